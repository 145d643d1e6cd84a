// The one translation unit that compiles Boost.Asio's, Asio SSL's and Beast's implementation
// (BOOST_ASIO_SEPARATE_COMPILATION / BOOST_BEAST_SEPARATE_COMPILATION, set publicly by
// src/net/CMakeLists.txt). This keeps the heavy .ipp code out of every other file's compile, and
// keeps third-party warnings (GCC's -Wnull-dereference on the inlined epoll reactor) out of our own
// TUs; the CMakeLists silences that one warning for this file only.
#include <boost/asio/impl/src.hpp>
#include <boost/asio/ssl/impl/src.hpp>
#include <boost/beast/src.hpp>
