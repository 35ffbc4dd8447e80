/* Stand-in for usrsctp's header (libusrsctp-dev is not a build dependency).
 *
 * Debian builds Janus with data channels (HAVE_SCTP), which adds a pointer
 * to janus_dtls_srtp; the bridge must see that member or every field after
 * it is misread. Janus's sctp.h needs usrsctp only for `struct socket`,
 * which it uses as an opaque pointer, so an empty header suffices. */
#ifndef SWIFTCALL_USRSCTP_SHIM_H
#define SWIFTCALL_USRSCTP_SHIM_H
struct socket;
#endif
