#!/bin/sh
# Turn `nm -n` output of a first link of Keel into the assembly of its symbol
# table (common/symbols.c reads it).  Usage: gen-symbols.sh <elf> > symbols.S
set -eu
nm -n --defined-only "$1" | awk '
BEGIN { n = 0 }
$2 ~ /^[tTwW]$/ && $3 !~ /^\./ {
    addr[n] = $1; name[n] = $3; n++
}
END {
    print "\t.section .symbols, \"a\", @progbits"
    print "\t.balign 8"
    print "\t.globl symbols_addresses, symbols_name_offsets, symbols_names, symbols_count"
    print "symbols_count:\n\t.quad " n
    print "symbols_addresses:"
    for (i = 0; i < n; i++) print "\t.quad 0x" addr[i]
    print "symbols_name_offsets:"
    off = 0
    for (i = 0; i < n; i++) { print "\t.long " off; off += length(name[i]) + 1 }
    print "symbols_names:"
    for (i = 0; i < n; i++) print "\t.asciz \"" name[i] "\""
}'
