/* Debug keys: single characters typed on Keel's serial console. */
#ifndef KEEL_KEYHANDLER_H
#define KEEL_KEYHANDLER_H

typedef void (*keyhandler_fn)(unsigned char key);

void register_keyhandler(unsigned char key, keyhandler_fn fn, const char *desc);
/* Start polling the console for keys (on the boot CPU). */
void keyhandler_init(void);
void handle_keypress(unsigned char key);

#endif /* KEEL_KEYHANDLER_H */
