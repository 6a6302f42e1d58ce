package io.sluice.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where this JVM's CPU went during a run, by thread group: Sluice's readers and writers, garbage collection, the
 * JIT compilers, the rest. Samples /proc/self/task every 100 ms (threads that end between samples lose at most
 * their last 100 ms), so it also sees the JVM's own threads that Java's thread beans do not.
 */
final class ThreadCpuSampler implements AutoCloseable {
  private static final double TICKS_PER_SECOND = 100.0;
  private final Map<Long, long[]> startTicks = new HashMap<>();
  private final Map<Long, String> names = new HashMap<>();
  private final Map<Long, Long> lastTicks = new HashMap<>();
  private final Thread thread;
  private volatile boolean running = true;

  ThreadCpuSampler() {
    sample(true);
    thread = new Thread(() -> {
      while (running) {
        sample(false);
        try {
          Thread.sleep(100);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-thread-cpu-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  private synchronized void sample(boolean baseline) {
    try (var tasks = Files.newDirectoryStream(Path.of("/proc/self/task"))) {
      for (Path task : tasks) {
        try {
          String stat = Files.readString(task.resolve("stat"));
          long tid = Long.parseLong(task.getFileName().toString());
          String name = stat.substring(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
          String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
          long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
          if (baseline) {
            startTicks.put(tid, new long[] {ticks});
          }
          names.put(tid, name);
          lastTicks.put(tid, ticks);
        } catch (IOException | RuntimeException e) {
          // the thread ended while it was read
        }
      }
    } catch (IOException e) {
      running = false; // no /proc: nothing to report
    }
  }

  /** CPU seconds by group (sluice lanes, gc+vm, jit, other) since this sampler started. */
  synchronized Map<String, Double> secondsByGroup() {
    sample(false);
    Map<String, Double> groups = new TreeMap<>();
    lastTicks.forEach((tid, ticks) -> {
      long[] start = startTicks.get(tid);
      long used = ticks - (start == null ? 0 : start[0]);
      groups.merge(group(names.get(tid)), used / TICKS_PER_SECOND, Double::sum);
    });
    return groups;
  }

  /** e.g. "jvm cpu by thread: sluice lanes 11.1s gc+vm 1.7s jit 1.2s other 0.3s". */
  String describe() {
    StringBuilder text = new StringBuilder("jvm cpu by thread:");
    secondsByGroup().entrySet().stream().sorted(Map.Entry.<String, Double>comparingByValue().reversed())
        .forEach(e -> text.append(String.format(Locale.ROOT, " %s %.1fs", e.getKey(), e.getValue())));
    return text.toString();
  }

  /** Sluice's lane threads are named {@code sluice-<stream>-<n>} (Linux keeps 15 characters of a name). */
  private static String group(String name) {
    if (name.startsWith("GC Thread") || name.startsWith("VM Thread") || name.startsWith("GC ")) {
      return "gc+vm";
    }
    if (name.startsWith("C1 Compiler") || name.startsWith("C2 Compiler")) {
      return "jit";
    }
    if (name.startsWith("sluice-")) {
      return "sluice lanes";
    }
    return "other";
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
