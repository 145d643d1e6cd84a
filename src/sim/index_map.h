// A small open-addressing hash map from 64-bit keys to non-negative 32-bit indices, used for the
// prefix-cache block index and the request-id index. Unlike std::unordered_map it allocates only
// when it grows (never per insert), and lookups touch one contiguous array.
#pragma once

#include <cstddef>
#include <cstdint>
#include <vector>

namespace sluice::sim {

class IndexMap {
 public:
  /// Sized so that `expected` entries fit without growing.
  explicit IndexMap(std::size_t expected = 8) { rehash(capacity_for(expected)); }

  /// The value stored for key, or -1.
  std::int32_t find(std::uint64_t key) const {
    for (std::size_t i = home(key);; i = (i + 1) & mask_) {
      const Slot& slot = slots_[i];
      if (slot.value < 0) return -1;
      if (slot.key == key) return slot.value;
    }
  }

  /// Inserts key -> value (value >= 0). Returns false, changing nothing, if key is present.
  bool insert(std::uint64_t key, std::int32_t value) {
    if ((size_ + 1) * 2 > slots_.size()) rehash(slots_.size() * 2);
    std::size_t i = home(key);
    for (; slots_[i].value >= 0; i = (i + 1) & mask_) {
      if (slots_[i].key == key) return false;
    }
    slots_[i] = Slot{key, value};
    ++size_;
    return true;
  }

  /// Removes key. Returns false if it was absent.
  bool erase(std::uint64_t key) {
    std::size_t hole = home(key);
    for (;; hole = (hole + 1) & mask_) {
      if (slots_[hole].value < 0) return false;
      if (slots_[hole].key == key) break;
    }
    // Backward-shift deletion: pull later entries of the probe run into the hole so that lookups
    // never need tombstones.
    for (std::size_t j = (hole + 1) & mask_; slots_[j].value >= 0; j = (j + 1) & mask_) {
      const std::size_t want = home(slots_[j].key);
      if (((j - want) & mask_) >= ((j - hole) & mask_)) {
        slots_[hole] = slots_[j];
        hole = j;
      }
    }
    slots_[hole].value = -1;
    --size_;
    return true;
  }

  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }

 private:
  struct Slot {
    std::uint64_t key = 0;
    std::int32_t value = -1;  // < 0: empty
  };

  static std::size_t capacity_for(std::size_t n) {
    std::size_t cap = 16;
    while (cap < n * 2) cap *= 2;
    return cap;
  }
  // Request ids are often sequential: mix them so that probe runs stay short.
  std::size_t home(std::uint64_t key) const {
    key ^= key >> 33;
    key *= 0xFF51AFD7ED558CCDULL;
    key ^= key >> 33;
    return static_cast<std::size_t>(key) & mask_;
  }
  void rehash(std::size_t capacity) {
    std::vector<Slot> old;
    old.swap(slots_);
    slots_.assign(capacity, Slot{});
    mask_ = capacity - 1;
    size_ = 0;
    for (const Slot& s : old) {
      if (s.value >= 0) insert(s.key, s.value);
    }
  }

  std::vector<Slot> slots_;
  std::size_t mask_ = 0;
  std::size_t size_ = 0;
};

}  // namespace sluice::sim
