package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.ConfigValidator;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.config.SecretRegistry;
import io.sluice.engine.connector.ConnectorRegistry;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.engine.sync.SyncRunner;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamDescriptor;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.PostgresServer;
import io.sluice.testkit.SampleDataset;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Clock;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench full-load}: on one embedded PostgreSQL and one generated trips table, measures in the
 * same process run (1) the limit: the table drained with binary COPY and discarded, and (2) Sluice: a full
 * load of the same table into a local Iceberg warehouse. Prints rows/s, MB/s, wall time, the ratio and peak
 * memory.
 */
@Command(name = "full-load", mixinStandardHelpOptions = true, description = "Full load of a generated trips table: the source's limit vs Sluice.")
final class FullLoadBenchmark implements Callable<Integer> {
  @Option(names = "--rows", description = "Rows in the trips table (default: ${DEFAULT-VALUE}).")
  long rows = 1_000_000;

  @Option(names = "--max-threads", description = "Sluice chunk readers (default: ${DEFAULT-VALUE}).")
  int maxThreads = 2;

  @Option(names = "--chunk-rows", description = "Sluice chunk size in rows (default: ${DEFAULT-VALUE}).")
  int chunkRows = 500_000;

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-");
    BenchRunOptions.printMachine();
    try (PostgresServer server = PostgresServer.start()) {
      long generating = System.nanoTime();
      SampleDataset.create(server, rows);
      server.execute("VACUUM ANALYZE demo.trips");
      long tableBytes = scalar(server, "SELECT pg_table_size('demo.trips')");
      System.out.printf(Locale.ROOT, "dataset: demo.trips, %,d rows, %d columns, %.1f MB on disk (generated in %.1fs)%n",
          rows, 20, tableBytes / 1e6, (System.nanoTime() - generating) / 1e9);

      Measurement limit = measureLimit(server);
      Measurement sluice = measureSluice(server, work.resolve("warehouse"), work.resolve("state.json"));
      print(limit, sluice);
      if (run.json != null) {
        writeJson(limit, sluice, tableBytes);
      }
    }
    return 0;
  }

  private Measurement measureLimit(PostgresServer server) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE)) {
      CountingDiscard sink = new CountingDiscard();
      long start = System.nanoTime();
      long copied = connection.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY (SELECT * FROM demo.trips) TO STDOUT (FORMAT binary)", sink);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement("limit (binary COPY, discarded)", copied, sink.bytes, seconds, -1);
    }
  }

  private Measurement measureSluice(PostgresServer server, Path warehouse, Path stateFile) throws Exception {
    ConnectorRegistry connectors = new ConnectorRegistry(new ConfigValidator(System::getenv, new SecretRegistry()));
    ObjectNode sourceConfig = JsonNodeFactory.instance.objectNode()
        .put("type", "postgres").put("host", server.host()).put("port", server.port())
        .put("database", PostgresServer.DATABASE).put("username", PostgresServer.USER)
        .put("password", PostgresServer.PASSWORD).put("max_threads", maxThreads).put("chunk_size_rows", chunkRows)
        .put("ssl_mode", "disable");
    sourceConfig.putArray("schemas").add(SampleDataset.SCHEMA);
    ObjectNode destinationConfig = JsonNodeFactory.instance.objectNode()
        .put("type", "iceberg").put("warehouse", warehouse.toString());
    System.gc();
    try (Source source = connectors.createSource(sourceConfig, "bench source");
        Destination destination = connectors.createDestination(destinationConfig, "bench destination");
        PeakMemorySampler memory = new PeakMemorySampler()) {
      StreamDescriptor trips = source.discover().find(StreamId.of(SampleDataset.SCHEMA, "trips")).orElseThrow();
      StreamSpec spec = new StreamSpec(trips.id(), trips.id(), SyncMode.FULL_REFRESH, trips.columns(),
          trips.primaryKey(), List.of(), Optional.empty());
      SyncRunner runner = new SyncRunner(source, destination, List.of(ConfiguredStream.of(spec)),
          StateStore.open(stateFile), SyncOptions.DEFAULTS, Clock.systemUTC());
      long start = System.nanoTime();
      SyncReport report = runner.run();
      double seconds = (System.nanoTime() - start) / 1e9;
      if (!report.succeeded()) {
        throw new IllegalStateException("the Sluice load failed", report.streams().get(0).failure().orElseThrow());
      }
      long bytes = runner.progress().get(0).bytesRead();
      return new Measurement("sluice (full load into Iceberg)", report.streams().get(0).rows(), bytes, seconds,
          memory.peakHeapBytes());
    }
  }

  private static void print(Measurement limit, Measurement sluice) {
    for (Measurement m : List.of(limit, sluice)) {
      System.out.printf(Locale.ROOT, "%-34s %,12d rows %8.2fs %,12.0f rows/s %8.1f MB/s%s%n", m.name(), m.rows(),
          m.seconds(), m.rowsPerSecond(), m.megabytesPerSecond(),
          m.peakHeapBytes() > 0 ? String.format(Locale.ROOT, "  peak heap %d MiB", m.peakHeapBytes() >> 20) : "");
    }
    System.out.printf(Locale.ROOT, "ratio sluice/limit: %.2f   peak RSS of this JVM: %d MiB%n",
        sluice.rowsPerSecond() / limit.rowsPerSecond(), PeakMemorySampler.peakResidentBytes() >> 20);
  }

  private void writeJson(Measurement limit, Measurement sluice, long tableBytes) throws Exception {
    ObjectNode root = JsonNodeFactory.instance.objectNode();
    root.put("benchmark", "full-load");
    root.put("date", LocalDate.now().toString());
    root.put("cores", Runtime.getRuntime().availableProcessors());
    root.put("max_heap_bytes", Runtime.getRuntime().maxMemory());
    root.put("rows", rows);
    root.put("table_bytes", tableBytes);
    List<Measurement> all = new ArrayList<>(List.of(limit, sluice));
    var results = root.putArray("results");
    for (Measurement m : all) {
      results.addObject().put("name", m.name()).put("rows", m.rows()).put("bytes", m.bytes())
          .put("seconds", m.seconds()).put("rows_per_second", m.rowsPerSecond())
          .put("peak_heap_bytes", m.peakHeapBytes());
    }
    root.put("ratio_sluice_limit", sluice.rowsPerSecond() / limit.rowsPerSecond());
    root.put("peak_rss_bytes", PeakMemorySampler.peakResidentBytes());
    Files.writeString(run.json, JsonFiles.toText(root), StandardCharsets.UTF_8);
  }

  private static long scalar(PostgresServer server, String sql) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  /** An output stream that counts and forgets. */
  private static final class CountingDiscard extends OutputStream {
    long bytes;

    @Override
    public void write(int b) {
      bytes++;
    }

    @Override
    public void write(byte[] buffer, int offset, int length) {
      bytes += length;
    }
  }
}
