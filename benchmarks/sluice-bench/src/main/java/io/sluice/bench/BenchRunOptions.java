package io.sluice.bench;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.util.Locale;
import picocli.CommandLine.Option;

/** The options every benchmark shares (where its files go, where its JSON goes) and the machine line it prints. */
final class BenchRunOptions {
  @Option(names = "--json", description = "Also write the results to this file as JSON.")
  Path json;

  @Option(names = "--work-dir", description = "Where the Iceberg warehouse goes (default: a new temp directory).")
  Path workDirectory;

  /** The work directory, a new temporary one named {@code prefix...} when none was given. */
  Path workDirectory(String prefix) throws IOException {
    return workDirectory != null ? workDirectory : Files.createTempDirectory(prefix);
  }

  /** Prints what the results depend on: cores, memory, heap, Java version, date. */
  static void printMachine() {
    System.out.printf(Locale.ROOT, "machine: %d cores, %d MiB of memory, max heap %d MiB, java %s, %s%n",
        Runtime.getRuntime().availableProcessors(), physicalMemoryBytes() >> 20,
        Runtime.getRuntime().maxMemory() >> 20, System.getProperty("java.version"), LocalDate.now());
  }

  private static long physicalMemoryBytes() {
    return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean())
        .getTotalMemorySize();
  }
}
