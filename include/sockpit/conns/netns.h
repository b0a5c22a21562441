/* Network namespaces: the parsers that tell them apart and name them. A
 * namespace is known by the inode in the text of its /proc/PID/ns/net link
 * ("net:[4026531840]"); a container runtime shows in the cgroup path of
 * its processes (/proc/PID/cgroup). Bytes in, data out. */
#ifndef SOCKPIT_NETNS_H
#define SOCKPIT_NETNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Room for a container label and its NUL: "docker:3f2a1b4c5d6e",
 * "lxc:web", "nspawn:build" (names are cut to fit). */
#define SP_CONTAINER_LABEL 48

/* The inode of a namespace link's text "net:[4026531840]" (exactly that
 * form, len bytes, no NUL needed). False when the text is not that or the
 * number is 0 or does not fit 64 bits. */
bool sp_netns_link_parse(const char *buf, size_t len, uint64_t *inode);

/* The container a /proc/PID/cgroup text (cgroup v1 "N:controllers:/path"
 * and v2 "0::/path" lines) places its process in, as "RUNTIME:ID" with the
 * first 12 hex digits of a 64-digit id, or "RUNTIME:NAME":
 *   docker      /docker/<id>, docker-<id>.scope
 *   containerd  cri-containerd-<id>.scope
 *   crio        crio-<id>.scope, crio-<id>
 *   podman      libpod-<id>.scope, libpod-<id>
 *   k8s         a bare <id> under a kubepods path (the cgroupfs driver)
 *   lxc         /lxc/NAME, lxc.payload.NAME
 *   nspawn      machine.slice/machine-NAME.scope (\xNN unescaped)
 * The innermost match of a path wins; the first line with one decides.
 * Names of other bytes than [A-Za-z0-9._+@-] are not labels. Returns
 * false (label "") when no line tells. */
bool sp_cgroup_container(const char *buf, size_t len, char label[SP_CONTAINER_LABEL]);

/* The runtimes' prefixes, for checks: NULL-terminated. */
extern const char *const sp_container_kinds[];

#endif
