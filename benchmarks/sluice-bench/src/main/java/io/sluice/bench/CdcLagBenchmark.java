package io.sluice.bench;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.engine.config.JsonFiles;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.engine.sync.ChangeLogOptions;
import io.sluice.engine.sync.SyncOptions;
import io.sluice.engine.sync.SyncReport;
import io.sluice.engine.sync.SyncRunner;
import io.sluice.spi.Destination;
import io.sluice.spi.Source;
import io.sluice.spi.StreamId;
import io.sluice.spi.StreamSpec;
import io.sluice.spi.SyncMode;
import io.sluice.testkit.IcebergReadBack;
import io.sluice.testkit.MariaDbServer;
import io.sluice.testkit.PostgresServer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.iceberg.Snapshot;
import org.apache.iceberg.Table;
import org.apache.iceberg.data.IcebergGenerics;
import org.apache.iceberg.data.Record;
import org.apache.iceberg.io.CloseableIterable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code sluice-bench cdc-lag}: in continuous mode, how long a committed source change takes to be visible in the
 * Iceberg table. A workload inserts rows at a steady rate, noting when each insert's commit returned; a reader
 * polls the table every 100 ms and notes when each row first appears. Lag = appeared - committed, per row; the
 * command prints its percentiles next to the commit interval, since a change waits for the next commit by design.
 * The 100 ms poll adds up to 100 ms to every lag.
 */
@Command(name = "cdc-lag", mixinStandardHelpOptions = true,
    description = "Continuous cdc: lag from source commit to Iceberg visibility (p50/p95/p99) at a steady rate.")
final class CdcLagBenchmark implements Callable<Integer> {
  private static final long POLL_MILLIS = 100;

  @Option(names = "--source", description = "postgres or mariadb (default: ${DEFAULT-VALUE}).")
  String source = "postgres";

  @Option(names = "--seconds", description = "How long the workload runs (default: ${DEFAULT-VALUE}).")
  int seconds = 60;

  @Option(names = "--rate", description = "Inserts per second (default: ${DEFAULT-VALUE}).")
  int rate = 1_000;

  @Option(names = "--commit-interval-seconds", description = "The sync's commit interval (default: ${DEFAULT-VALUE}).")
  int commitIntervalSeconds = 1;

  @picocli.CommandLine.Mixin
  BenchRunOptions run = new BenchRunOptions();

  /** The source database of a run: a connection for the workload, and the sync's config. */
  private interface Server extends AutoCloseable {
    Connection connect() throws SQLException;

    ObjectNode config();

    @Override
    void close();
  }

  @Override
  public Integer call() throws Exception {
    Path work = run.workDirectory("sluice-bench-lag-");
    BenchRunOptions.printMachine();
    try (Server server = start()) {
      BenchConnectors connectors = new BenchConnectors();
      Path warehouse = work.resolve("warehouse");
      try (Source sluiceSource = connectors.source(server.config());
          Destination destination = connectors.icebergWarehouse(warehouse)) {
        StreamSpec spec = BenchConnectors.stream(sluiceSource, StreamId.of("lag", "events"), SyncMode.CDC);
        StateStore state = StateStore.open(work.resolve("state.json"));
        SyncReport backfill = new SyncRunner(sluiceSource, destination, List.of(ConfiguredStream.of(spec)), state,
            SyncOptions.DEFAULTS, Clock.systemUTC(), ChangeLogOptions.DEFAULTS).run();
        if (!backfill.succeeded()) {
          throw new IllegalStateException("the backfill failed", backfill.streams().get(0).failure().orElseThrow());
        }
        ChangeLogOptions continuous = new ChangeLogOptions(Duration.ofSeconds(commitIntervalSeconds),
            ChangeLogOptions.DEFAULT_COMMIT_EVENTS, true);
        ExecutorService threads = Executors.newFixedThreadPool(2);
        Future<SyncReport> sync = threads.submit(() -> new SyncRunner(sluiceSource, destination,
            List.of(ConfiguredStream.of(spec)), state, SyncOptions.DEFAULTS, Clock.systemUTC(), continuous).run());
        Map<Long, Long> committed = new ConcurrentHashMap<>();
        Map<Long, Long> visible = new ConcurrentHashMap<>();
        Future<?> poller = threads.submit(() -> poll(warehouse, visible));
        try {
          Thread.sleep(2_000); // the sync is streaming
          int inserted = insert(server, committed);
          long deadline = System.currentTimeMillis() + 60_000;
          while (visible.size() < inserted && System.currentTimeMillis() < deadline) {
            Thread.sleep(POLL_MILLIS);
          }
          report(inserted, committed, visible);
        } finally {
          poller.cancel(true);
          sync.cancel(true); // what SIGINT does: commit what was applied, then stop
          threads.shutdown();
          threads.awaitTermination(1, TimeUnit.MINUTES);
        }
      }
    }
    return 0;
  }

  private Server start() {
    if (source.equals("mariadb") || source.equals("mysql")) {
      MariaDbServer maria = MariaDbServer.start();
      maria.execute("CREATE DATABASE lag",
          "CREATE TABLE lag.events (id BIGINT PRIMARY KEY, made_at_ms BIGINT NOT NULL, payload VARCHAR(200))");
      return new Server() {
        @Override
        public Connection connect() throws SQLException {
          return maria.connect("lag");
        }

        @Override
        public ObjectNode config() {
          ObjectNode config = JsonNodeFactory.instance.objectNode().put("type", "mysql").put("host", maria.host())
              .put("port", maria.port()).put("username", MariaDbServer.USER).put("password", MariaDbServer.PASSWORD);
          config.putArray("databases").add("lag");
          return config;
        }

        @Override
        public void close() {
          maria.close();
        }
      };
    }
    if (!source.equals("postgres")) {
      throw new IllegalArgumentException("Invalid option --source: '" + source + "', expected postgres or mariadb");
    }
    PostgresServer postgres = PostgresServer.start();
    postgres.execute("CREATE SCHEMA lag; CREATE TABLE lag.events (id bigint PRIMARY KEY, made_at_ms bigint NOT NULL, "
        + "payload text)");
    return new Server() {
      @Override
      public Connection connect() throws SQLException {
        return postgres.connect(PostgresServer.DATABASE);
      }

      @Override
      public ObjectNode config() {
        ObjectNode config = JsonNodeFactory.instance.objectNode().put("type", "postgres")
            .put("host", postgres.host()).put("port", postgres.port()).put("database", PostgresServer.DATABASE)
            .put("username", PostgresServer.USER).put("password", PostgresServer.PASSWORD).put("ssl_mode", "disable");
        config.putArray("schemas").add("lag");
        config.putObject("replication").put("slot", "sluice_lag").put("publication", "sluice_lag");
        return config;
      }

      @Override
      public void close() {
        postgres.close();
      }
    };
  }

  /** Inserts at {@link #rate} per second for {@link #seconds}, noting when each commit returned. */
  private int insert(Server server, Map<Long, Long> committed) throws Exception {
    int total = rate * seconds;
    try (Connection connection = server.connect();
        PreparedStatement insert = connection.prepareStatement("INSERT INTO lag.events VALUES (?, ?, ?)")) {
      long start = System.nanoTime();
      for (long id = 1; id <= total; id++) {
        long due = start + (id - 1) * 1_000_000_000L / rate;
        long wait = due - System.nanoTime();
        if (wait > 0) {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        }
        insert.setLong(1, id);
        insert.setLong(2, System.currentTimeMillis());
        insert.setString(3, "event " + id);
        insert.executeUpdate();
        committed.put(id, System.currentTimeMillis());
      }
    }
    return total;
  }

  /** Every 100 ms, when the table has a new snapshot, notes the ids that appear in it for the first time. */
  private static void poll(Path warehouse, Map<Long, Long> visible) {
    long lastSnapshot = -1;
    try (IcebergReadBack iceberg = new IcebergReadBack(warehouse)) {
      Table table = iceberg.table("lag", "events");
      while (!Thread.currentThread().isInterrupted()) {
        table.refresh();
        Snapshot current = table.currentSnapshot();
        if (current != null && current.snapshotId() != lastSnapshot) {
          lastSnapshot = current.snapshotId();
          long now = System.currentTimeMillis();
          try (CloseableIterable<Record> rows = IcebergGenerics.read(table).select("id").build()) {
            for (Record row : rows) {
              visible.putIfAbsent((Long) row.getField("id"), now);
            }
          }
        }
        Thread.sleep(POLL_MILLIS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Exception e) {
      throw new IllegalStateException("the lag poller failed: " + e.getMessage(), e);
    }
  }

  private void report(int inserted, Map<Long, Long> committed, Map<Long, Long> visible) throws Exception {
    List<Long> lags = new ArrayList<>();
    for (Map.Entry<Long, Long> row : committed.entrySet()) {
      Long seen = visible.get(row.getKey());
      if (seen != null) {
        lags.add(Math.max(0, seen - row.getValue()));
      }
    }
    long[] sorted = lags.stream().mapToLong(Long::longValue).sorted().toArray();
    if (sorted.length < inserted) {
      throw new IllegalStateException("only " + sorted.length + " of " + inserted + " inserted rows became visible "
          + "within a minute of the workload's end");
    }
    double p50 = percentile(sorted, 50);
    double p95 = percentile(sorted, 95);
    double p99 = percentile(sorted, 99);
    long max = sorted[sorted.length - 1];
    System.out.printf(Locale.ROOT, "workload: %,d inserts at %,d/s for %d s into lag.events (%s)%n", inserted, rate,
        seconds, source);
    System.out.printf(Locale.ROOT, "lag commit -> visible in Iceberg, commit interval %d s: p50 %.2f s, p95 %.2f s, "
        + "p99 %.2f s, max %.2f s (p99 beyond the interval: %.2f s)%n", commitIntervalSeconds, p50 / 1000,
        p95 / 1000, p99 / 1000, max / 1000.0, (p99 - commitIntervalSeconds * 1000.0) / 1000);
    if (run.json != null) {
      ObjectNode root = JsonNodeFactory.instance.objectNode().put("benchmark", "cdc-lag").put("source", source)
          .put("date", LocalDate.now().toString()).put("cores", Runtime.getRuntime().availableProcessors())
          .put("inserts", inserted).put("rate_per_second", rate).put("commit_interval_seconds", commitIntervalSeconds)
          .put("p50_ms", p50).put("p95_ms", p95).put("p99_ms", p99).put("max_ms", max)
          .put("poll_interval_ms", POLL_MILLIS);
      Files.writeString(run.json, JsonFiles.toText(root), StandardCharsets.UTF_8);
    }
  }

  /** Nearest-rank percentile of sorted values. */
  static double percentile(long[] sorted, double percent) {
    int rank = (int) Math.ceil(percent / 100 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }
}
