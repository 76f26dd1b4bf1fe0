// How long a thread sleeping on a condition variable takes to run again once another thread
// signals it: the cost of each hand-off between the event loop and a threadpool thread, on a
// machine where an idle CPU may halt (a VM's vCPU halting goes through its host).
//
//   gcc -O2 -pthread -o /tmp/wake_latency bench/wake_latency.c
//   /tmp/wake_latency SIGNAL_CPU WAITER_CPU BUSY_US
//
// The signalling thread, pinned to SIGNAL_CPU, spins for BUSY_US (the waiter's CPU idles
// meanwhile when it is another one), signals, and spins 200 µs more; the waiter, pinned to
// WAITER_CPU, records the time from the signal to its wake-up. 1000 rounds; prints the median and
// the 90th percentile. Linux only (CPU affinity).
#define _GNU_SOURCE
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ROUNDS 1000

struct shared {
  pthread_mutex_t mutex;
  pthread_cond_t cond;
  int signalled;
  int done;
  double signalledAt;
  int waiterCpu;
  double latencies[ROUNDS];
  int count;
};

static double nowMicros(void) {
  struct timespec t;
  clock_gettime(CLOCK_MONOTONIC, &t);
  return t.tv_sec * 1e6 + t.tv_nsec / 1e3;
}

static void spin(double micros) {
  double until = nowMicros() + micros;
  while (nowMicros() < until) {
  }
}

static void pin(int cpu) {
  cpu_set_t set;
  CPU_ZERO(&set);
  CPU_SET(cpu, &set);
  if (pthread_setaffinity_np(pthread_self(), sizeof set, &set) != 0) {
    fprintf(stderr, "cannot pin to CPU %d\n", cpu);
    exit(1);
  }
}

static void* waiter(void* arg) {
  struct shared* s = arg;
  pin(s->waiterCpu);
  pthread_mutex_lock(&s->mutex);
  for (;;) {
    while (!s->signalled && !s->done) pthread_cond_wait(&s->cond, &s->mutex);
    if (s->done) break;
    if (s->count < ROUNDS) s->latencies[s->count++] = nowMicros() - s->signalledAt;
    s->signalled = 0;
  }
  pthread_mutex_unlock(&s->mutex);
  return NULL;
}

static int byValue(const void* a, const void* b) {
  double x = *(const double*)a, y = *(const double*)b;
  return x < y ? -1 : x > y;
}

int main(int argc, char** argv) {
  if (argc != 4) {
    fprintf(stderr, "usage: %s SIGNAL_CPU WAITER_CPU BUSY_US\n", argv[0]);
    return 2;
  }
  static struct shared s = {.mutex = PTHREAD_MUTEX_INITIALIZER, .cond = PTHREAD_COND_INITIALIZER};
  int signalCpu = atoi(argv[1]);
  s.waiterCpu = atoi(argv[2]);
  int busyMicros = atoi(argv[3]);
  pin(signalCpu);
  pthread_t thread;
  pthread_create(&thread, NULL, waiter, &s);
  for (int i = 0; i < ROUNDS; i++) {
    spin(busyMicros);
    pthread_mutex_lock(&s.mutex);
    s.signalled = 1;
    s.signalledAt = nowMicros();
    pthread_cond_signal(&s.cond);
    pthread_mutex_unlock(&s.mutex);
    spin(200);
  }
  pthread_mutex_lock(&s.mutex);
  s.done = 1;
  pthread_cond_signal(&s.cond);
  pthread_mutex_unlock(&s.mutex);
  pthread_join(thread, NULL);
  qsort(s.latencies, s.count, sizeof s.latencies[0], byValue);
  printf("signal on CPU %d, waiter on CPU %d, %d us busy: wake-up median %.1f us, 90th percentile %.1f us (%d)\n",
         signalCpu, s.waiterCpu, busyMicros, s.latencies[s.count / 2], s.latencies[s.count * 9 / 10], s.count);
  return 0;
}
