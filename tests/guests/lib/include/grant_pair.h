/*
 * What grant_interdomain (dom0) and grant_domu_peer (its PVH peer) agree
 * on: the peer's grant refs for dom0, dom0's ref for the peer, and the
 * strings each end writes for the other to find.
 */
#ifndef GUEST_GRANT_PAIR_H
#define GUEST_GRANT_PAIR_H

#define REF_G    8                      /* peer's page G, RW: marker, dom0's reply, ack */
#define REF_H    9                      /* peer's page H, RW: dom0 copies into it */
#define REF_K    10                     /* peer's page K, RO: dom0 keeps it mapped */
#define DOM0_REF 12                     /* dom0's page for the peer, RO */

static const char marker_g[] = "grant marker from d1";
static const char marker_k[] = "K: kept over the end";
static const char reply[] = "reply from d0";
static const char copied[] = "copied by d0";
static const char dom0_data[] = "dom0 data for d1";

#endif /* GUEST_GRANT_PAIR_H */
