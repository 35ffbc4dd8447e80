// What the datapath's libbpf owners (KernelDatapath, Transmitter) throw when
// the kernel refuses a program, map or attach: the caller logs it and keeps
// the legs on Janus's relay path.
#pragma once

#include <stdexcept>

namespace swiftcall::datapath {

class DatapathError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace swiftcall::datapath
