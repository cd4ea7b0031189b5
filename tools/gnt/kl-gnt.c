/*
 * kl-gnt: dom0 grants a page to itself with gntalloc and maps it back with
 * gntdev, through Debian's libxengnttab, the way xenstored and xenconsoled
 * map a guest's rings: gntdev of a PV dom0 maps user pages by PTE address
 * (GNTMAP_contains_pte | GNTMAP_application_map) and the kernel's view of
 * the page by VA.  Checks that the data shows through a read-write and a
 * read-only mapping both ways, then unmaps and unshares.  Prints one line,
 * "ok" when everything held, else what did not (exit status 1).
 */
#include <stdio.h>
#include <stdint.h>
#include <string.h>
#include <sys/mman.h>
#include <xengnttab.h>

static const char marker[] = "kl-gnt: shared by gntalloc";
static const char reply[] = "kl-gnt: written through gntdev";

static int fail(const char *what)
{
    printf("%s\n", what);
    return 1;
}

int main(void)
{
    xengntshr_handle *shr = xengntshr_open(NULL, 0);
    xengnttab_handle *gt = xengnttab_open(NULL, 0);
    volatile char *share, *rw, *ro;
    uint32_t ref = 0;
    int rc = 0;

    if ( !shr || !gt )
        return fail("cannot open gntalloc/gntdev");
    share = xengntshr_share_pages(shr, 0, 1, &ref, 1);
    if ( !share )
        return fail("gntalloc: share_pages failed");
    memcpy((char *)share, marker, sizeof(marker));
    rw = xengnttab_map_grant_ref(gt, 0, ref, PROT_READ | PROT_WRITE);
    if ( !rw )
        return fail("gntdev: read-write map of our grant failed");
    if ( memcmp((const char *)rw, marker, sizeof(marker)) )
        rc = fail("the shared page does not show through the mapping");
    memcpy((char *)rw + 1024, reply, sizeof(reply));
    if ( !rc && memcmp((const char *)share + 1024, reply, sizeof(reply)) )
        rc = fail("a write through the mapping does not reach the shared page");
    ro = xengnttab_map_grant_ref(gt, 0, ref, PROT_READ);
    if ( !ro )
        rc = fail("gntdev: read-only map of our grant failed");
    else
    {
        if ( !rc && memcmp((const char *)ro + 1024, reply, sizeof(reply)) )
            rc = fail("the read-only mapping shows other data");
        if ( xengnttab_unmap(gt, (void *)ro, 1) && !rc )
            rc = fail("gntdev: unmap of the read-only mapping failed");
    }
    if ( xengnttab_unmap(gt, (void *)rw, 1) && !rc )
        rc = fail("gntdev: unmap failed");
    if ( xengntshr_unshare(shr, (void *)share, 1) && !rc )
        rc = fail("gntalloc: unshare failed");
    xengnttab_close(gt);
    xengntshr_close(shr);
    if ( !rc )
        printf("ok\n");
    return rc;
}
