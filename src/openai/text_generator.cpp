#include "openai/text_generator.h"

#include "core/hash.h"

#include <array>

namespace sluice::openai {
namespace {

// Common short words so that generated text reads like (meaningless) English.
constexpr std::array<std::string_view, TextGenerator::kWords> kWordList = {
    " the",  " of",   " and",  " to",   " a",    " in",   " is",   " it",   " you",  " that",
    " he",   " was",  " for",  " on",   " are",  " as",   " with", " his",  " they", " at",
    " be",   " this", " have", " from", " or",   " one",  " had",  " by",   " but",  " not",
    " what", " all",  " were", " we",   " when", " your", " can",  " said", " use",  " an",
    " each", " she",  " do",   " how",  " if",   " will", " up",   " out",  " many", " then",
    " them", " so",   " some", " her",  " make", " like", " him",  " into", " time", " has",
    " look", " two",  " more", " go",   " see",  " way",  " no",   " than", " been", " call",
    " who",  " its",  " now",  " find", " long", " down", " day",  " did",  " get",  " come",
    " made", " may",  " part", " over", " new",  " take", " only", " work", " know", " year",
    " live", " me",   " back", " give", " most", " very", " just", " name", " good", " man",
    " say",  " help", " much", " line", " mean", " old",  " any",  " same", " tell", " boy",
    " turn", " why",  " ask",  " went", " men",  " read", " need", " land", " home", " us",
    " move", " try",  " kind", " hand", " play", " air",  " away", " form", " must", " big",
    " high", " such", " act",  " self", " end",  " does", " set",  " put",  " well", " also",
    " show", " here", " off",  " add",  " even", " food", " tree", " keep", " eye",  " last",
    " let",  " sea",  " near", " own",  " page", " saw",  " city", " few",  " cut",  " far",
    " draw", " left", " run",  " open", " seem", " top",  " hear", " next", " hard", " book",
    " base", " fast", " game", " map",  " case", " data", " rate", " plan", " test", " node",
    " code", " load", " size", " view", " file", " path", " step", " loop", " flow", " cost",
    " gain", " unit", " core", " edge", " mode", " pool", " rule", " link", " sort", " byte",
    " sum",  " bit",  " key",  " row",  " list", " job",  " fact", " area", " lot",  " door",
    " idea", " hour", " moon", " sun",  " star", " blue", " red",  " gold", " wind", " rain",
    " snow", " fire", " warm", " cold", " soft", " calm", " road", " ship", " fish", " bird",
    " song", " wave", " lake", " hill", " rock", " sand", " leaf", " seed", " root", " bark",
    " wood", " iron", " salt", " milk", " cake", " corn", " rice", " bean", " meal", " tea",
    " cup",  " box",  " bag",  " hat",  " coat", " shoe",
};

}  // namespace

std::string_view TextGenerator::next() {
  // The top byte of a splitmix64 draw indexes the 256 words uniformly.
  return kWordList[splitmix64(state_) >> 56];
}

std::span<const std::string_view, TextGenerator::kWords> TextGenerator::words() {
  return kWordList;
}

}  // namespace sluice::openai
