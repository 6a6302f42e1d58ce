package io.sluice.bench;

import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.embedded.Connect;
import io.debezium.engine.format.Json;
import io.sluice.testkit.PostgresServer;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The peer of the full-load benchmark: Debezium's embedded engine (the PostgreSQL connector) taking an initial
 * snapshot of the same table into a consumer that counts records and discards them, in two set-ups: Connect
 * records (its cheapest, {@code snapshot.max.threads} 2) and JSON records (what Debezium Server users pay for).
 * Offsets stay in memory; the engine's replication slot is dropped when it stops.
 *
 * <p>The benchmark runs it in a JVM of its own ({@link #measureInChildJvm}) with a heap of its own: at Sluice's
 * 1 GiB, Debezium's snapshot spends its time in garbage collection (1 M rows: 6.8k rows/s) or fails with
 * {@code OutOfMemoryError} (5 M rows), which would make a comparison meaningless. The peer gets the larger heap.
 */
final class DebeziumSnapshotPeer {
  private DebeziumSnapshotPeer() {}

  /** How the peer hands records to its consumer. */
  enum Format {
    CONNECT("peer (Debezium, Connect records)"),
    JSON("peer (Debezium, JSON records)");

    private final String label;

    Format(String label) {
      this.label = label;
    }
  }

  /** {@link #measure} in a child JVM with {@code heap} (e.g. {@code 4g}); its logs go to this process's stderr. */
  static Measurement measureInChildJvm(PostgresServer server, String schema, String table, long rows, Format format,
      String heap, long timeoutSeconds) throws Exception {
    List<String> command = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
        DebeziumSnapshotPeer.class.getName(), server.host(), String.valueOf(server.port()), schema, table,
        String.valueOf(rows), format.name(), String.valueOf(timeoutSeconds));
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (child.waitFor() != 0) {
      throw new IllegalStateException("the Debezium peer (" + format + ", -Xmx" + heap + ") failed with exit "
          + child.exitValue() + "; see its log above");
    }
    String[] result = output.strip().lines().reduce((first, second) -> second).orElseThrow().split(" ");
    long delivered = Long.parseLong(result[0]);
    String label = format.label + ", -Xmx" + heap + (delivered < rows ? ", STOPPED at the time limit: "
        + String.format(java.util.Locale.ROOT, "%,d of %,d rows", delivered, rows) : "");
    return new Measurement(label, delivered, -1, Double.parseDouble(result[1]), -1);
  }

  /** The child JVM: {@code host port schema table rows format timeout-seconds}; prints "{@code rows seconds}". */
  public static void main(String[] args) throws Exception {
    Measurement measurement = measure(args[0], Integer.parseInt(args[1]), args[2], args[3], Long.parseLong(args[4]),
        Format.valueOf(args[5]), Long.parseLong(args[6]));
    System.out.println(measurement.rows() + " " + measurement.seconds());
    System.exit(0);
  }

  /**
   * Snapshots {@code schema.table} (expected to hold {@code rows} rows) and times it from the engine's start to its
   * last snapshot record.
   */
  static Measurement measure(PostgresServer server, String schema, String table, long rows, Format format)
      throws Exception {
    return measure(server.host(), server.port(), schema, table, rows, format, 1800);
  }

  /**
   * The snapshot, stopped after {@code timeoutSeconds} if it has not delivered every row by then: the measurement
   * then holds the rows delivered and the time they took (a rate the rest of the snapshot would not have beaten,
   * since the engine only slows down as its heap fills).
   */
  private static Measurement measure(String host, int port, String schema, String table, long rows, Format format,
      long timeoutSeconds) throws Exception {
    Properties properties = new Properties();
    properties.setProperty("name", "sluice-bench-peer");
    properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    properties.setProperty("offset.flush.interval.ms", "60000");
    properties.setProperty("database.hostname", host);
    properties.setProperty("database.port", String.valueOf(port));
    properties.setProperty("database.user", PostgresServer.USER);
    properties.setProperty("database.password", PostgresServer.PASSWORD);
    properties.setProperty("database.dbname", PostgresServer.DATABASE);
    properties.setProperty("topic.prefix", "bench");
    properties.setProperty("table.include.list", schema + "." + table);
    properties.setProperty("plugin.name", "pgoutput");
    properties.setProperty("slot.name", "bench_peer_" + format.name().toLowerCase(java.util.Locale.ROOT));
    properties.setProperty("slot.drop.on.stop", "true");
    properties.setProperty("publication.name", "bench_peer");
    properties.setProperty("publication.autocreate.mode", "filtered");
    properties.setProperty("snapshot.mode", "initial_only");
    properties.setProperty("snapshot.max.threads", "2");

    String topic = "bench." + schema + "." + table;
    AtomicLong records = new AtomicLong();
    CountDownLatch done = new CountDownLatch(1);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    DebeziumEngine.CompletionCallback completion = (success, message, error) -> {
      if (!success && error != null) {
        failure.set(error);
      }
      done.countDown();
    };
    ExecutorService executor = Executors.newSingleThreadExecutor(runnable -> {
      Thread thread = new Thread(runnable, "debezium-peer");
      thread.setDaemon(true);
      return thread;
    });
    long start = System.nanoTime();
    long[] end = new long[1];
    long[] delivered = {-1};
    Closeable engine;
    if (format == Format.CONNECT) {
      DebeziumEngine<RecordChangeEvent<SourceRecord>> connect = DebeziumEngine.create(ChangeEventFormat.of(
          Connect.class)).using(properties).using(completion).notifying(event -> {
            if (topic.equals(event.record().topic()) && records.incrementAndGet() == rows) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(connect);
      engine = connect;
    } else {
      DebeziumEngine<ChangeEvent<String, String>> json = DebeziumEngine.create(Json.class).using(properties)
          .using(completion).notifying(event -> {
            if (topic.equals(event.destination()) && event.value() != null
                && records.incrementAndGet() == rows) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(json);
      engine = json;
    }
    try {
      if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
        end[0] = System.nanoTime();
        delivered[0] = records.get();
      } else if (records.get() < rows) {
        throw new IllegalStateException("Debezium stopped after " + records.get() + " of " + rows + " records",
            failure.get());
      }
    } finally {
      engine.close();
      executor.shutdown();
      executor.awaitTermination(1, TimeUnit.MINUTES);
    }
    return new Measurement(format.label, delivered[0] >= 0 ? delivered[0] : rows, -1, (end[0] - start) / 1e9, -1);
  }
}
