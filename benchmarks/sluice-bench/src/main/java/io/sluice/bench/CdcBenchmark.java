package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.state.StateStore;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.PostgresServer;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.Callable;
import org.postgresql.PGConnection;
import org.postgresql.PGProperty;
import org.postgresql.replication.LogSequenceNumber;
import org.postgresql.replication.PGReplicationStream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench cdc}: how fast Sluice applies a change log, against how fast the log can be read at all.
 * On one embedded PostgreSQL, a table is backfilled by Sluice, then {@code --changes} row updates are made (in
 * transactions of 10,000). Measured in the same run: (1) the limit, a second pgoutput slot read to the end with
 * PgJDBC and the messages discarded; (2) Sluice, a bounded cdc sync applying the same changes to Iceberg; (3) the
 * peer, Debezium's engine streaming the same changes from slots made at the same point ({@link DebeziumPeer}).
 */
@Command(name = "cdc", mixinStandardHelpOptions = true, description = "Change-log apply rate: reading pgoutput and discarding (the limit) vs Sluice "
    + "applying the same changes to Iceberg.")
final class CdcBenchmark implements Callable<Integer> {
  private static final String LIMIT_SLOT = "bench_limit";
  private static final String PUBLICATION = "sluice_bench";

  @Option(names = "--rows", description = "Rows in the table (default: ${DEFAULT-VALUE}).")
  int rows = 200_000;

  @Option(names = "--changes", description = "Row updates to apply (default: ${DEFAULT-VALUE}).")
  int changes = 1_000_000;

  @picocli.CommandLine.Mixin
  PeerOptions peer = new PeerOptions();

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-cdc-");
    BenchRunOptions.printMachine();
    try (PostgresServer server = PostgresServer.start()) {
      server.execute("""
          CREATE SCHEMA bench;
          CREATE TABLE bench.accounts (id bigint PRIMARY KEY, balance numeric(12,2) NOT NULL, note text,
            updated_at timestamptz NOT NULL);
          INSERT INTO bench.accounts SELECT g, g * 0.01, 'account ' || g, now() FROM generate_series(1, %d) g;
          """.formatted(rows));
      server.execute("VACUUM ANALYZE bench.accounts");
      BenchConnectors connectors = new BenchConnectors();
      try (Source source = connectors.source(sourceConfig(server));
          Destination destination = connectors.icebergWarehouse(work.resolve("warehouse"))) {
        StreamSpec spec = BenchConnectors.stream(source, StreamId.of("bench", "accounts"), SyncMode.CDC);
        StateStore state = StateStore.open(work.resolve("state.json"));
        CdcReport.boundedSync(source, destination, spec, state); // the backfill, and the slot and publication it creates
        server.execute("SELECT pg_create_logical_replication_slot('" + LIMIT_SLOT + "', 'pgoutput')");
        if (!peer.noPeer) {
          // the peer's slots start where the limit's does, so every reader reads exactly the changes made next
          for (DebeziumPeer.Format format : DebeziumPeer.Format.values()) {
            server.execute("SELECT pg_create_logical_replication_slot('" + peerSlot(format) + "', 'pgoutput')");
          }
        }

        long generating = System.nanoTime();
        int made = makeChanges(server);
        System.out.printf(Locale.ROOT, "dataset: bench.accounts, %,d rows; %,d updates in transactions of 10,000 "
            + "(made in %.1fs)%n", rows, made, (System.nanoTime() - generating) / 1e9);

        // Sluice first, then the limit: whichever reads the new WAL first pays for bringing it into the page
        // cache, which would flatter the second; this order can only flatter the limit.
        Measurement sluice = CdcReport.measureApply(source, destination, spec, state);
        Measurement limit = readLimit(server, made);
        List<Measurement> peers = new ArrayList<>();
        if (!peer.noPeer) {
          for (DebeziumPeer.Format format : DebeziumPeer.Format.values()) {
            peers.add(DebeziumPeer.measureInChildJvm(DebeziumPeer.Target.stream(server, "bench", "accounts",
                peerSlot(format), PUBLICATION), made, format, peer.peerHeap, peer.peerTimeoutSeconds));
          }
        }
        CdcReport.report(run.json, "cdc", rows, made, limit, sluice, peers);
      }
    }
    return 0;
  }

  private static String peerSlot(DebeziumPeer.Format format) {
    return "bench_peer_" + format.name().toLowerCase(Locale.ROOT);
  }

  private static ObjectNode sourceConfig(PostgresServer server) {
    ObjectNode config = JsonNodeFactory.instance.objectNode()
        .put("type", "postgres").put("host", server.host()).put("port", server.port())
        .put("database", PostgresServer.DATABASE).put("username", PostgresServer.USER)
        .put("password", PostgresServer.PASSWORD).put("ssl_mode", "disable");
    config.putArray("schemas").add("bench");
    config.putObject("replication").put("slot", "sluice_bench").put("publication", PUBLICATION);
    return config;
  }

  /** Updates {@link #changes} rows, 10,000 per transaction, cycling through the table. */
  private int makeChanges(PostgresServer server) throws Exception {
    int made = 0;
    try (Connection connection = server.connect(PostgresServer.DATABASE);
        Statement statement = connection.createStatement()) {
      long from = 1;
      while (made < changes) {
        int batch = (int) Math.min(10_000, Math.min(changes - made, rows - from + 1));
        made += statement.executeUpdate("UPDATE bench.accounts SET balance = balance + 1, updated_at = now() "
            + "WHERE id BETWEEN " + from + " AND " + (from + batch - 1));
        from = from + batch > rows ? 1 : from + batch;
      }
    }
    return made;
  }

  /** Reads the limit slot until {@code expected} row messages arrived, discarding them. */
  private static Measurement readLimit(PostgresServer server, int expected) throws Exception {
    Properties properties = new Properties();
    PGProperty.USER.set(properties, PostgresServer.USER);
    PGProperty.PASSWORD.set(properties, PostgresServer.PASSWORD);
    PGProperty.REPLICATION.set(properties, "database");
    PGProperty.PREFER_QUERY_MODE.set(properties, "simple");
    PGProperty.ASSUME_MIN_SERVER_VERSION.set(properties, "14");
    String url = "jdbc:postgresql://" + server.host() + ":" + server.port() + "/" + PostgresServer.DATABASE;
    try (Connection connection = DriverManager.getConnection(url, properties)) {
      long start = System.nanoTime();
      PGReplicationStream stream = connection.unwrap(PGConnection.class).getReplicationAPI().replicationStream()
          .logical().withSlotName(LIMIT_SLOT)
          .withSlotOption("proto_version", "1").withSlotOption("publication_names", PUBLICATION)
          .withSlotOption("binary", "true").start();
      long rowMessages = 0;
      long bytes = 0;
      LogSequenceNumber last = LogSequenceNumber.INVALID_LSN;
      while (rowMessages < expected) {
        // readPending with a 1 ms nap when nothing is pending: spinning would take a core from the WAL sender
        // on a small machine, and read() naps longer
        ByteBuffer message = stream.readPending();
        if (message == null) {
          Thread.sleep(1);
          continue;
        }
        bytes += message.remaining();
        byte kind = message.get(message.position());
        if (kind == 'U' || kind == 'I' || kind == 'D') {
          rowMessages++;
        }
        last = stream.getLastReceiveLSN();
      }
      double seconds = (System.nanoTime() - start) / 1e9;
      stream.setFlushedLSN(last);
      stream.close();
      return new Measurement("limit (pgoutput read, discarded)", rowMessages, bytes, seconds, -1);
    }
  }
}
