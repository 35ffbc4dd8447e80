// What the datapath's libbpf owner (Transmitter) throws when
// the kernel refuses the program or a map: the caller logs it and keeps
// the legs on Janus's relay path.
#pragma once

#include <stdexcept>

namespace swiftcall::datapath {

class DatapathError : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

}  // namespace swiftcall::datapath
