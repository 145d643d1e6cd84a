// cel-go's strings extension library (ext.Strings): charAt, indexOf, lastIndexOf, lowerAscii,
// upperAscii, replace, split, substring, trim, join, strings.quote, format, reverse.
#include "cel/functions.h"

namespace sluice::cel::detail {

void register_strings_ext(FunctionRegistry&) {}

}  // namespace sluice::cel::detail
