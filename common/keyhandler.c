/*
 * Debug keys, as Xen users know them: a key typed on Keel's serial console
 * dumps state or acts ('h' lists them).  The UART is polled from a timer
 * on the boot CPU, so no interrupt line is needed.
 */
#include <keel/lib.h>
#include <keel/console.h>
#include <keel/console_input.h>
#include <keel/hypercall_log.h>
#include <keel/keyhandler.h>
#include <keel/mm.h>
#include <keel/xmalloc.h>
#include <keel/panic.h>
#include <keel/printk.h>
#include <keel/smp.h>
#include <keel/time.h>
#include <keel/timer.h>
#include <keel/version.h>
#include <keel/sched.h>
#include <asm/current.h>
#include <asm/traps.h>

#define POLL_PERIOD MILLISECS(20)

static struct {
    keyhandler_fn fn;
    const char *desc;
} key_table[128];

static struct timer poll_timer;

void register_keyhandler(unsigned char key, keyhandler_fn fn, const char *desc)
{
    if ( key < ARRAY_SIZE(key_table) )
        key_table[key] = (typeof(key_table[0])){ fn, desc };
}

void handle_keypress(unsigned char key)
{
    if ( key < ARRAY_SIZE(key_table) && key_table[key].fn )
        key_table[key].fn(key);
    else
        printk("'%c' pressed -> no such debug key ('h' lists them)\n",
               key >= 0x20 && key < 0x7f ? key : '?');
}

static void show_help(unsigned char key)
{
    printk("'%c' pressed -> showing installed handlers\n", key);
    for ( unsigned int k = 0; k < ARRAY_SIZE(key_table); k++ )
        if ( key_table[k].fn )
            printk(" key '%c' (ascii '%02x') => %s\n", k, k, key_table[k].desc);
}

static void crash_now(unsigned char key)
{
    panic("debug key '%c' pressed: manual crash", key);
}

static void reboot_now(unsigned char key)
{
    printk("'%c' pressed -> rebooting the machine\n", key);
    machine_restart(0);
}

static void dump_this_cpu(void *unused)
{
    printk("*** CPU%u state ***\n", smp_processor_id());
    show_backtrace_here();
    if ( current && !is_idle_vcpu(current) )
        show_guest_state(current);
}

static void dump_cpus(unsigned char key)
{
    printk("'%c' pressed -> dumping the state of every CPU\n", key);
    dump_this_cpu(NULL);
    on_selected_cpus(cpu_online_map, dump_this_cpu, NULL);
}

static void dump_memory(unsigned char key)
{
    printk("'%c' pressed -> memory: heap %lu of %lu pages free, xmalloc %zu bytes in use\n",
           key, avail_heap_pages(), total_heap_pages(), xmalloc_used_bytes());
}

static void dump_time(unsigned char key)
{
    s_time_t now = NOW();

    printk("'%c' pressed -> Keel %s, up %lu.%03lu s, TSC %lu kHz, %u CPU(s) online\n",
           key, keel_version_string(), (unsigned long)(now / NSEC_PER_SEC),
           (unsigned long)(now % NSEC_PER_SEC / NSEC_PER_MSEC), cpu_khz_get(),
           num_online_cpus());
}

static void poll_console(void *unused)
{
    int c;

    while ( (c = console_getc()) >= 0 )
        console_input_char(c);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}

void keyhandler_init(void)
{
    register_keyhandler('h', show_help, "show this help");
    register_keyhandler('C', crash_now, "trigger a hypervisor crash (panic)");
    register_keyhandler('R', reboot_now, "reboot the machine");
    register_keyhandler('d', dump_cpus, "dump every CPU: backtrace, and the guest it runs");
    register_keyhandler('m', dump_memory, "show heap and xmalloc usage");
    register_keyhandler('t', dump_time, "show version, uptime and time source");
    hypercall_log_keyhandler_init();
    init_timer(&poll_timer, poll_console, NULL, 0);
    set_timer(&poll_timer, NOW() + POLL_PERIOD);
}
