package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.StreamId;
import io.sluice.testkit.PostgresServer;
import java.io.OutputStream;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench full-load}: on one embedded PostgreSQL and one generated trips table, measures in the
 * same process run (1) the limit: the table drained with binary COPY and discarded, (2) Sluice's source alone:
 * the load's chunks read and decoded, rows discarded, (3) Sluice: a full load of the same table into a local
 * Iceberg warehouse, (1) again, and (4) the peer: Debezium's embedded engine snapshotting the
 * same table into a discarding consumer ({@link DebeziumPeer}). Prints rows/s, MB/s, wall time, the
 * ratios and peak memory.
 */
@Command(name = "full-load", mixinStandardHelpOptions = true, description = "Full load of a generated trips table: the source's limit vs Sluice.")
final class FullLoadBenchmark implements Callable<Integer> {
  @Option(names = "--rows", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
  long rows = 1_000_000;

  @Option(names = "--table", converter = TableConverter.class, description = "Which generated table: trips (20 "
      + "columns, ~150 bytes/row), narrow (4 columns) or all-types (every type family, ~275 bytes/row) "
      + "(default: ${DEFAULT-VALUE}).")
  BenchTable table = BenchTable.TRIPS;

  @Option(names = "--max-threads", description = "Sluice chunk readers (default: ${DEFAULT-VALUE}).")
  int maxThreads = 2;

  @Option(names = "--chunk-rows", description = "Sluice chunk size in rows (default: ${DEFAULT-VALUE}).")
  int chunkRows = 500_000;

  @Option(names = "--shared-buffers", description = "PostgreSQL's shared_buffers (default: ${DEFAULT-VALUE}, "
      + "PostgreSQL's own default; its documentation suggests a quarter of the memory for a dedicated server). A "
      + "table that fits makes Sluice's key-range chunks (index scans through the buffer pool) cheaper for the "
      + "database and the limit's single sequential scan a little dearer.")
  String sharedBuffers = "128MB";

  @picocli.CommandLine.Mixin
  PeerOptions peer = new PeerOptions();

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-");
    BenchRunOptions.printMachine();
    try (PostgresServer server = PostgresServer.startWith(java.util.Map.of("shared_buffers", sharedBuffers))) {
      long generating = System.nanoTime();
      table.create(server, rows);
      server.execute("VACUUM ANALYZE " + table.qualifiedName());
      // VACUUM dirties every page (hint bits, visibility map); without a checkpoint now, the checkpointer would
      // write them out during whichever measurement runs next and charge it a second of database CPU.
      server.execute("CHECKPOINT");
      long tableBytes = scalar(server, "SELECT pg_table_size('" + table.qualifiedName() + "')");
      System.out.printf(Locale.ROOT, "dataset: %s (--table %s), %,d rows, %d columns, %.1f MB on disk (%.0f bytes/row; "
          + "generated in %.1fs); shared_buffers %s%n", table.qualifiedName(), table, rows, table.columns,
          tableBytes / 1e6, (double) tableBytes / rows, (System.nanoTime() - generating) / 1e9, sharedBuffers);

      CpuAccounting cpu = new CpuAccounting(postmasterPid(server));
      CpuAccounting.Timed<Measurement> limitBefore = cpu.measure(() -> measureLimit(server));
      CpuAccounting.Timed<Measurement> sourceAlone = cpu.measure(() -> SluiceFullLoad.measureSourceAlone(
          sluiceSourceConfig(server), StreamId.of(table.schema, table.table)));
      CpuAccounting.Timed<Measurement> sluice = cpu.measure(() -> measureSluice(server, work.resolve("warehouse"),
          work.resolve("state.json")));
      System.gc();
      CpuAccounting.Timed<Measurement> limitAfter = cpu.measure(() -> measureLimit(server).renamed("limit again, after Sluice"));
      FullLoadReport.Limit limit = new FullLoadReport.Limit(limitBefore, limitAfter);
      List<Measurement> peers = new ArrayList<>();
      if (!peer.noPeer) {
        for (DebeziumPeer.Format format : DebeziumPeer.Format.values()) {
          System.gc();
          peers.add(DebeziumPeer.measureInChildJvm(DebeziumPeer.Target.snapshot(server, table.schema, table.table,
              rows, format), rows, format, peer.peerHeap, peer.peerTimeoutSeconds));
        }
      }
      FullLoadReport.print(limit, sourceAlone, sluice, peers, "postgres");
      FullLoadReport.requireAllRows(sluice.result(), rows);
      if (run.json != null) {
        FullLoadReport.writeJson(run.json, "full-load " + table, rows, tableBytes, limit, sourceAlone, sluice,
            peers);
      }
    }
    return 0;
  }

  private Measurement measureLimit(PostgresServer server) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE)) {
      CountingDiscard sink = new CountingDiscard();
      long start = System.nanoTime();
      long copied = connection.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY (SELECT * FROM " + table.qualifiedName() + ") TO STDOUT (FORMAT binary)", sink);
      double seconds = (System.nanoTime() - start) / 1e9;
      return new Measurement("limit (binary COPY, discarded)", copied, sink.bytes, seconds, -1);
    }
  }

  private Measurement measureSluice(PostgresServer server, Path warehouse, Path stateFile) throws Exception {
    return SluiceFullLoad.measure(sluiceSourceConfig(server), StreamId.of(table.schema, table.table), warehouse,
        stateFile);
  }

  private ObjectNode sluiceSourceConfig(PostgresServer server) {
    return sourceConfig(server, table).put("max_threads", maxThreads).put("chunk_size_rows", chunkRows);
  }

  /** The PostgreSQL source's configuration for {@code server}, reading the schema of {@code table}. */
  static ObjectNode sourceConfig(PostgresServer server, BenchTable table) {
    ObjectNode config = JsonNodeFactory.instance.objectNode()
        .put("type", "postgres").put("host", server.host()).put("port", server.port())
        .put("database", PostgresServer.DATABASE).put("username", PostgresServer.USER)
        .put("password", PostgresServer.PASSWORD).put("ssl_mode", "disable");
    config.putArray("schemas").add(table.schema);
    return config;
  }

  /** The postmaster's process id, from {@code postmaster.pid} in the server's data directory. */
  private static long postmasterPid(PostgresServer server) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery("SHOW data_directory")) {
      result.next();
      return Long.parseLong(java.nio.file.Files.readAllLines(Path.of(result.getString(1), "postmaster.pid")).get(0)
          .strip());
    }
  }

  private static long scalar(PostgresServer server, String sql) throws Exception {
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement();
        ResultSet result = statement.executeQuery(sql)) {
      result.next();
      return result.getLong(1);
    }
  }

  /** Reads {@code --table}. */
  static final class TableConverter implements picocli.CommandLine.ITypeConverter<BenchTable> {
    @Override
    public BenchTable convert(String value) {
      return BenchTable.parse(value);
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
