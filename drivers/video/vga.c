/* VGA text mode (80x25 at 0xb8000): a mirror of the console on the screen. */
#include <keel/lib.h>
#include <keel/console.h>
#include <asm/page.h>

#define VGA_TEXT_PHYS  0xb8000
#define VGA_COLS       80
#define VGA_ROWS       25
#define VGA_ATTR       0x0700   /* light grey on black */

static volatile uint16_t *vga_mem;
static unsigned int vga_col, vga_row;

void vga_init(void)
{
    vga_mem = maddr_to_virt(VGA_TEXT_PHYS);
    for ( unsigned int i = 0; i < VGA_COLS * VGA_ROWS; i++ )
        vga_mem[i] = VGA_ATTR | ' ';
    vga_col = vga_row = 0;
}

static void vga_scroll(void)
{
    unsigned int i;

    for ( i = 0; i < VGA_COLS * (VGA_ROWS - 1); i++ )
        vga_mem[i] = vga_mem[i + VGA_COLS];
    for ( ; i < VGA_COLS * VGA_ROWS; i++ )
        vga_mem[i] = VGA_ATTR | ' ';
    vga_row = VGA_ROWS - 1;
}

void vga_putc(char c)
{
    if ( !vga_mem )
        return;
    if ( c == '\n' )
    {
        vga_col = 0;
        if ( ++vga_row == VGA_ROWS )
            vga_scroll();
        return;
    }
    if ( c == '\r' )
        return;
    vga_mem[vga_row * VGA_COLS + vga_col] = VGA_ATTR | (uint8_t)c;
    if ( ++vga_col == VGA_COLS )
    {
        vga_col = 0;
        if ( ++vga_row == VGA_ROWS )
            vga_scroll();
    }
}
