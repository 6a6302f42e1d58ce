package io.sluice.bench;

import io.sluice.spi.ChangeEvent;
import io.sluice.spi.Destination;
import io.sluice.spi.SnapshotReader;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.StreamWriter;
import io.sluice.spi.SyncMode;
import io.sluice.spi.WriteMode;
import io.sluice.spi.WriteRequest;
import io.sluice.testkit.PostgresServer;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench encode}: the destination side of a full load alone. Rows of a generated table are read into
 * memory once through the PostgreSQL source, then written {@code --repeat} times through the Iceberg destination's
 * stream writer on one thread (value conversion, Parquet encoding, compression, commit), timing that thread's CPU.
 * This is the per-row cost a full load pays on top of reading, with no database sharing the cores.
 */
@Command(name = "encode", mixinStandardHelpOptions = true, description = "CPU per row of the Iceberg destination "
    + "alone: rows held in memory, written on one thread.")
final class EncodeBenchmark implements Callable<Integer> {
  @Option(names = "--rows", description = "Rows held in memory (default: ${DEFAULT-VALUE}).")
  int rows = 300_000;

  @Option(names = "--repeat", description = "How many times they are written (default: ${DEFAULT-VALUE}).")
  int repeat = 8;

  @Option(names = "--table", converter = FullLoadBenchmark.TableConverter.class, description = "Which generated "
      + "table: trips, narrow or all-types (default: ${DEFAULT-VALUE}).")
  BenchTable table = BenchTable.TRIPS;

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-encode-");
    BenchRunOptions.printMachine();
    BenchConnectors connectors = new BenchConnectors();
    List<Object[]> held = new ArrayList<>(rows);
    StreamSpec spec;
    try (PostgresServer server = PostgresServer.start()) {
      table.create(server, rows);
      try (Source source = connectors.source(FullLoadBenchmark.sourceConfig(server, table).put("max_threads", 1))) {
        spec = BenchConnectors.stream(source, StreamId.of(table.schema, table.table), SyncMode.FULL_REFRESH);
        for (Split split : source.planSnapshot(spec)) {
          try (SnapshotReader reader = source.openSnapshot(spec, split)) {
            reader.read((row, size) -> held.add(row));
          }
        }
      }
    }
    System.out.printf(Locale.ROOT, "dataset: %s (--table %s), %,d rows held in memory, written %d times%n",
        table.qualifiedName(), table, held.size(), repeat);

    ThreadMXBean threads = ManagementFactory.getThreadMXBean();
    try (Destination destination = connectors.icebergWarehouse(work.resolve("warehouse"));
        PeakMemorySampler memory = new PeakMemorySampler()) {
      for (int round = 1; round <= repeat; round++) {
        long cpuStart = threads.getCurrentThreadCpuTime();
        long wallStart = System.nanoTime();
        try (StreamWriter writer = destination.openStream(new WriteRequest(spec, WriteMode.APPEND,
            UUID.randomUUID().toString()))) {
          for (Object[] row : held) {
            writer.write(ChangeEvent.read(row, 0));
          }
          writer.commit("round " + round);
        }
        double cpu = (threads.getCurrentThreadCpuTime() - cpuStart) / 1e9;
        double wall = (System.nanoTime() - wallStart) / 1e9;
        System.out.printf(Locale.ROOT, "round %d: %,.0f rows/s on one thread, %.2f µs of its CPU per row (wall "
            + "%.2fs, peak heap so far %d MiB)%n", round, held.size() / wall, cpu * 1e6 / held.size(), wall,
            memory.peakHeapBytes() >> 20);
      }
    }
    return 0;
  }
}
