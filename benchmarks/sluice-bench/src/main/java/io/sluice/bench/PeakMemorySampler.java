package io.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.MemoryMXBean;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples heap use every 50 ms while a measurement runs and reports the peak, plus the process's peak
 * resident set size from /proc (VmHWM, which only grows: it covers the whole process lifetime).
 */
final class PeakMemorySampler implements AutoCloseable {
  private final MemoryMXBean memory = ManagementFactory.getMemoryMXBean();
  private final Thread thread;
  private volatile boolean running = true;
  private volatile long peakHeapBytes;

  PeakMemorySampler() {
    thread = new Thread(() -> {
      while (running) {
        peakHeapBytes = Math.max(peakHeapBytes, memory.getHeapMemoryUsage().getUsed());
        try {
          Thread.sleep(50);
        } catch (InterruptedException e) {
          return;
        }
      }
    }, "bench-memory-sampler");
    thread.setDaemon(true);
    thread.start();
  }

  long peakHeapBytes() {
    return peakHeapBytes;
  }

  /** Peak RSS of this JVM in bytes, or -1 where /proc is unavailable. */
  static long peakResidentBytes() {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith("VmHWM:")) {
          return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
        }
      }
    } catch (IOException | NumberFormatException e) {
      return -1;
    }
    return -1;
  }

  @Override
  public void close() {
    running = false;
    thread.interrupt();
  }
}
