package io.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

/**
 * Where a measurement's CPU went: this JVM's CPU time and the database server's (its main process, its live
 * children, and the children it has already reaped, which the kernel adds to the main process's {@code cutime}).
 * On a small machine the source and Sluice share the cores, so "Sluice at x of the limit" only means something next
 * to how many cores each side used. Reads /proc; where /proc is missing the server's share reads as unknown.
 */
final class CpuAccounting {
  private static final double TICKS_PER_SECOND = 100.0; // USER_HZ, 100 on every Linux this runs on
  private final long serverPid;

  /** @param serverPid the database server's main process (postmaster, mariadbd) */
  CpuAccounting(long serverPid) {
    this.serverPid = serverPid;
  }

  /** What one run used: CPU seconds of each side over its wall time. */
  record CpuUse(double wallSeconds, double jvmSeconds, double serverSeconds, double machineBusySeconds) {
    double jvmCores() {
      return jvmSeconds / wallSeconds;
    }

    double serverCores() {
      return serverSeconds / wallSeconds;
    }

    /**
     * e.g. "cpu: this JVM 1.41 cores (6.2 µs/row), postgres 0.55 cores (2.4 µs/row), other processes 0.02 cores";
     * the last part shows whether something else on the machine took cores during the run.
     */
    String describe(long rows, String server) {
      String others = serverSeconds < 0 || machineBusySeconds < 0 ? ""
          : String.format(Locale.ROOT, ", other processes %.2f cores",
              Math.max(0, machineBusySeconds - jvmSeconds - serverSeconds) / wallSeconds);
      return String.format(Locale.ROOT, "cpu: this JVM %.2f cores (%.1f µs/row), %s %s%s", jvmCores(),
          jvmSeconds * 1e6 / rows, server, serverSeconds < 0 ? "unknown"
              : String.format(Locale.ROOT, "%.2f cores (%.1f µs/row)", serverCores(), serverSeconds * 1e6 / rows),
          others);
    }
  }

  /** Runs {@code work} and returns its result with the CPU used meanwhile. */
  <T> Timed<T> measure(Callable<T> work) throws Exception {
    long wallStart = System.nanoTime();
    long jvmStart = jvmCpuNanos();
    double serverStart = serverCpuSeconds();
    double machineStart = machineBusySeconds();
    T result = work.call();
    double machineEnd = machineBusySeconds();
    double serverEnd = serverCpuSeconds();
    long jvmEnd = jvmCpuNanos();
    double wall = (System.nanoTime() - wallStart) / 1e9;
    double server = serverStart < 0 || serverEnd < 0 ? -1 : serverEnd - serverStart;
    double machine = machineStart < 0 || machineEnd < 0 ? -1 : machineEnd - machineStart;
    return new Timed<>(result, new CpuUse(wall, (jvmEnd - jvmStart) / 1e9, server, machine));
  }

  /** A result and the CPU its run used. */
  record Timed<T>(T result, CpuUse cpu) {}

  private static long jvmCpuNanos() {
    if (ManagementFactory.getOperatingSystemMXBean() instanceof com.sun.management.OperatingSystemMXBean os) {
      return os.getProcessCpuTime();
    }
    return 0;
  }

  /** CPU seconds all cores spent not idle since boot (from /proc/stat), or -1 when /proc cannot tell. */
  private static double machineBusySeconds() {
    try {
      String[] fields = Files.readAllLines(Path.of("/proc/stat")).get(0).trim().split("\\s+");
      long busy = 0;
      for (int i = 1; i < fields.length && i <= 8; i++) {
        if (i != 4 && i != 5) { // idle, iowait
          busy += Long.parseLong(fields[i]);
        }
      }
      return busy / TICKS_PER_SECOND;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** The server's CPU seconds so far, or -1 when /proc cannot tell. */
  private double serverCpuSeconds() {
    try {
      List<long[]> processes = new ArrayList<>(); // {pid, ppid, utime+stime, cutime+cstime}
      try (var entries = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
        for (Path entry : entries) {
          long[] stat = readStat(entry.resolve("stat"));
          if (stat != null) {
            processes.add(stat);
          }
        }
      }
      long ticks = 0;
      List<Long> tree = new ArrayList<>(List.of(serverPid));
      for (int i = 0; i < tree.size(); i++) {
        long pid = tree.get(i);
        for (long[] process : processes) {
          if (process[0] == pid) {
            ticks += process[2] + (pid == serverPid ? process[3] : 0);
          } else if (process[1] == pid) {
            tree.add(process[0]);
          }
        }
      }
      return tree.size() == 1 && processes.stream().noneMatch(p -> p[0] == serverPid) ? -1 : ticks / TICKS_PER_SECOND;
    } catch (IOException e) {
      return -1;
    }
  }

  private static long[] readStat(Path file) {
    try {
      String stat = Files.readString(file);
      // the command name (field 2) is in parentheses and may hold spaces: fields are counted after its ')'
      String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      long pid = Long.parseLong(stat.substring(0, stat.indexOf(' ')));
      return new long[] {pid, Long.parseLong(fields[1]), Long.parseLong(fields[11]) + Long.parseLong(fields[12]),
          Long.parseLong(fields[13]) + Long.parseLong(fields[14])};
    } catch (IOException | RuntimeException e) {
      return null; // the process ended while /proc was read
    }
  }
}
