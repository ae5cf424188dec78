/*
 * The engine's own cost for the server-overhead figure: synthesizes each line of a file with libespeak-ng in
 * this process (voice en-us, 22,050 Hz PCM into a callback that keeps nothing) and prints the CPU time per line.
 * Declares the few functions it calls itself, so it builds against libespeak-ng1 without the -dev package:
 *   gcc -O2 -o espeak-cpu espeak-cpu.c -l:libespeak-ng.so.1
 *   ./espeak-cpu sentences.txt
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>

typedef struct espeak_EVENT espeak_EVENT;
extern int espeak_Initialize(int output, int buflength, const char *path, int options);
extern void espeak_SetSynthCallback(int (*cb)(short *, int, espeak_EVENT *));
extern int espeak_SetVoiceByName(const char *name);
extern int espeak_Synth(const void *text, size_t size, unsigned int position, int position_type,
                        unsigned int end_position, unsigned int flags, unsigned int *id, void *user_data);
extern int espeak_Synchronize(void);

#define AUDIO_OUTPUT_SYNCHRONOUS 2
#define POS_CHARACTER 1
#define ESPEAK_CHARS_UTF8 1

static long samples;

static int discard(short *wav, int n, espeak_EVENT *events) {
    (void) wav;
    (void) events;
    samples += n;
    return 0;
}

static double cpu_seconds(void) {
    struct rusage u;
    getrusage(RUSAGE_SELF, &u);
    return u.ru_utime.tv_sec + u.ru_stime.tv_sec + (u.ru_utime.tv_usec + u.ru_stime.tv_usec) / 1e6;
}

int main(int argc, char **argv) {
    if (argc != 2) {
        fprintf(stderr, "usage: %s FILE (one sentence per line)\n", argv[0]);
        return 2;
    }
    FILE *f = fopen(argv[1], "r");
    if (!f) {
        perror(argv[1]);
        return 2;
    }
    if (espeak_Initialize(AUDIO_OUTPUT_SYNCHRONOUS, 0, NULL, 0) <= 0 || espeak_SetVoiceByName("en-us") != 0) {
        fprintf(stderr, "espeak-ng did not start\n");
        return 1;
    }
    espeak_SetSynthCallback(discard);
    char line[4096];
    int lines = 0;
    double t0 = cpu_seconds();
    while (fgets(line, sizeof line, f)) {
        size_t len = strcspn(line, "\n");
        line[len] = 0;
        if (len == 0) {
            continue;
        }
        espeak_Synth(line, len + 1, 0, POS_CHARACTER, 0, ESPEAK_CHARS_UTF8, NULL, NULL);
        espeak_Synchronize();
        lines++;
    }
    double cpu = cpu_seconds() - t0;
    printf("sentences %d cpu_ms_per_sentence %.3f samples_per_sentence %ld\n", lines, 1000 * cpu / lines,
           samples / (lines ? lines : 1));
    return 0;
}
