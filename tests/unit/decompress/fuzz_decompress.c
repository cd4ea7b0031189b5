/*
 * libFuzzer target for common/decompress.  Input: a mode byte (low 2
 * bits: xz, gzip, xz payload, gzip payload), two bytes giving the output
 * buffer size, then the stream.  Any input must be decoded or refused with
 * one of the documented errors and a one-line message; ASan and UBSan
 * catch any access outside the input and the output buffer, which are
 * heap blocks of exactly their size.  A decode must not depend on what the
 * state held before, and a success must need exactly its output: one byte
 * less is -ENOSPC.  fuzz_smoke.c drives the same function without
 * libFuzzer.
 */
#include <keel/decompress.h>
#include <public/errno.h>

#include <stdlib.h>
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static struct decompress_state *st;

static void require(bool ok)
{
    if ( !ok )
        abort();
}

static int run(unsigned int mode, const uint8_t *in, size_t len,
               uint8_t *out, size_t out_max, size_t *out_len, int fill,
               char *err, size_t errlen)
{
    memset(st, fill, sizeof(*st));
    switch ( mode )
    {
    case 0:
        return xz_decode(in, len, out, out_max, out_len, &st->xz, err,
                         errlen);
    case 1:
        return gunzip(in, len, out, out_max, out_len, &st->gz, err, errlen);
    case 2:
        return decompress_payload(BZIMAGE_XZ, in, len, out, out_max, out_len,
                                  st, err, errlen);
    default:
        return decompress_payload(BZIMAGE_GZIP, in, len, out, out_max,
                                  out_len, st, err, errlen);
    }
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    size_t errlen = size & 1 ? 160 : 12, out_max, len, len2;
    unsigned int mode;
    uint8_t *out, *out2;
    char err[160];
    int rc, rc2;

    if ( size < 3 )
        return 0;
    if ( !st )
        st = malloc(sizeof(*st));
    mode = data[0] & 3;
    out_max = (size_t)(data[1] | data[2] << 8) * 4 + (data[0] >> 2);
    data += 3;
    size -= 3;
    out = malloc(out_max + 1);
    out2 = malloc(out_max + 1);

    rc = run(mode, data, size, out, out_max, &len, 0x00, err, errlen);
    require(rc == 0 || rc == -EINVAL || rc == -ENOSPC || rc == -EOPNOTSUPP);
    require(len <= out_max);
    if ( rc )
        require(err[0] && strnlen(err, errlen) < errlen &&
                !strchr(err, '\n'));

    /* The same again from a state full of other garbage. */
    rc2 = run(mode, data, size, out2, out_max, &len2, 0xff, err, errlen);
    require(rc2 == rc && len2 == len && !memcmp(out, out2, len));

    if ( !rc && len )
    {
        free(out2);
        out2 = malloc(len - 1 + 1);
        rc2 = run(mode, data, size, out2, len - 1, &len2, 0x5a, err, errlen);
        require(rc2 == -ENOSPC);
    }
    free(out);
    free(out2);

    return 0;
}
