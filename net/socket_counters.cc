#include "net/socket_counters.h"

#include <cerrno>

namespace swim::net {

void SocketErrorCounts::Count(int error) {
  switch (error) {
    case ECONNREFUSED:
      ++refused;
      break;
    case EAGAIN:
#if EWOULDBLOCK != EAGAIN
    case EWOULDBLOCK:
#endif
      ++would_block;
      break;
    case ENOBUFS:
    case ENOMEM:
      ++no_buffers;
      break;
    case ENETUNREACH:
    case EHOSTUNREACH:
    case EHOSTDOWN:
    case EADDRNOTAVAIL:
    case EAFNOSUPPORT:
    case EPERM:
      ++unreachable;
      break;
    default:
      ++other;
      break;
  }
}

}  // namespace swim::net
