// A fuzz input read as a script: bytes front to back, zeros once they run
// out, so that every input, however short, is a whole script (the node
// and cluster fuzzers, tests/swim/node_fuzz.cc and cluster_fuzz.cc).
//
//   FuzzScript s(data, size);
//   while (!s.done()) Step(s.Byte() % 10, s.Small(), s.Bytes(s.Small()));
#ifndef TESTS_TESTING_FUZZ_SCRIPT_H_
#define TESTS_TESTING_FUZZ_SCRIPT_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace swim::testing {

class FuzzScript {
 public:
  FuzzScript(const uint8_t* data, size_t size) : data_(data), size_(size) {}
  bool done() const { return at_ >= size_; }
  uint8_t Byte() { return at_ < size_ ? data_[at_++] : 0; }
  // 0 to 15.
  uint32_t Small() { return Byte() % 16; }
  // Up to `n` bytes (fewer at the end of the input).
  std::string Bytes(size_t n) {
    std::string out;
    while (n-- > 0 && !done()) out.push_back(static_cast<char>(Byte()));
    return out;
  }

 private:
  const uint8_t* data_;
  size_t size_;
  size_t at_ = 0;
};

}  // namespace swim::testing

#endif  // TESTS_TESTING_FUZZ_SCRIPT_H_
