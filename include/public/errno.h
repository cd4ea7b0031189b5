/* SPDX-License-Identifier: MIT */
/*
 * Error numbers returned to guests.  The values are part of Xen's guest ABI
 * and equal the Linux/x86 errno values; hypercalls return them negated.
 */
#ifndef PUBLIC_ERRNO_H
#define PUBLIC_ERRNO_H

#define EPERM            1  /* operation not permitted */
#define ENOENT           2  /* no such entry */
#define ESRCH            3  /* no such domain / process */
#define EINTR            4
#define EIO              5
#define ENXIO            6
#define E2BIG            7  /* argument list too long */
#define ENOEXEC          8  /* bad executable image */
#define EBADF            9
#define ECHILD          10
#define EAGAIN          11
#define ENOMEM          12
#define EACCES          13
#define EFAULT          14  /* bad guest address */
#define EBUSY           16
#define EEXIST          17
#define EXDEV           18
#define ENODEV          19
#define EISDIR          21
#define EINVAL          22
#define ENFILE          23
#define EMFILE          24
#define ENOSPC          28
#define ESPIPE          29
#define EROFS           30
#define EMLINK          31
#define EDOM            33
#define ERANGE          34
#define EDEADLK         35
#define ENAMETOOLONG    36
#define ENOLCK          37
#define ENOSYS          38  /* function not implemented */
#define ENOTEMPTY       39
#define ENODATA         61
#define ETIME           62
#define EBADMSG         74
#define EOVERFLOW       75
#define EILSEQ          84
#define ERESTART        85
#define ENOTSOCK        88
#define EOPNOTSUPP      95
#define EADDRINUSE      98
#define EADDRNOTAVAIL   99
#define ENOBUFS        105
#define EISCONN        106
#define ENOTCONN       107
#define ETIMEDOUT      110
#define ECONNREFUSED   111

#endif /* PUBLIC_ERRNO_H */
