package io.sluice.bench;

import io.debezium.embedded.Connect;
import io.debezium.engine.ChangeEvent;
import io.debezium.engine.DebeziumEngine;
import io.debezium.engine.RecordChangeEvent;
import io.debezium.engine.format.ChangeEventFormat;
import io.debezium.engine.format.Json;
import io.sluice.testkit.PostgresServer;
import java.io.Closeable;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Properties;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * The benchmarks' peer: Debezium's embedded engine (its PostgreSQL connector) delivering the same rows or changes
 * Sluice moves, into a consumer that counts records of the table's topic and discards them. Two set-ups: Connect
 * records (its cheapest) and JSON records (what Debezium Server users pay for). Offsets stay in memory; the slot the
 * engine reads is dropped when it stops.
 *
 * <ul>
 *   <li>{@link Job#SNAPSHOT}: an {@code initial_only} snapshot of the table ({@code snapshot.max.threads} 2), timed
 *       from the engine's start to the table's last row.
 *   <li>{@link Job#STREAM}: no snapshot; the engine streams from a pgoutput slot the benchmark created before making
 *       its changes (so it reads exactly those), through an existing publication, timed from the engine's start to
 *       the last change.
 * </ul>
 *
 * <p>The benchmarks run it in a JVM of its own ({@link #measureInChildJvm}) with a heap of its own: at Sluice's
 * 1 GiB, Debezium's snapshot spends its time in garbage collection (1 M rows: 6.8k rows/s) or fails with
 * {@code OutOfMemoryError} (5 M rows), which would make a comparison meaningless. The peer gets the larger heap.
 */
final class DebeziumPeer {
  private DebeziumPeer() {}

  /** How the peer hands records to its consumer. */
  enum Format {
    CONNECT("Connect records"),
    JSON("JSON records");

    private final String label;

    Format(String label) {
      this.label = label;
    }
  }

  /** What the peer does. */
  enum Job {
    SNAPSHOT,
    STREAM
  }

  /**
   * What to read. For {@link Job#STREAM}, {@code slot} and {@code publication} exist already; for a snapshot they are
   * the engine's own (created, and the slot dropped on stop).
   */
  record Target(String host, int port, String schema, String table, Job job, String slot, String publication) {
    static Target snapshot(PostgresServer server, String schema, String table, Format format) {
      String name = "bench_peer_" + format.name().toLowerCase(Locale.ROOT);
      return new Target(server.host(), server.port(), schema, table, Job.SNAPSHOT, name, name);
    }

    static Target stream(PostgresServer server, String schema, String table, String slot, String publication) {
      return new Target(server.host(), server.port(), schema, table, Job.STREAM, slot, publication);
    }

    List<String> arguments() {
      return List.of(host, String.valueOf(port), schema, table, job.name(), slot, publication);
    }

    static Target of(List<String> arguments) {
      return new Target(arguments.get(0), Integer.parseInt(arguments.get(1)), arguments.get(2), arguments.get(3),
          Job.valueOf(arguments.get(4)), arguments.get(5), arguments.get(6));
    }
  }

  /**
   * {@link #measure} in a child JVM with {@code heap} (e.g. {@code 4g}); its logs go to this process's stderr.
   *
   * @param expected records to wait for: the table's rows, or the changes made
   */
  static Measurement measureInChildJvm(Target target, long expected, Format format, String heap, long timeoutSeconds)
      throws Exception {
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx" + heap, "-XX:+UseParallelGC", "-cp", System.getProperty("java.class.path"),
        DebeziumPeer.class.getName(), String.valueOf(expected), format.name(), String.valueOf(timeoutSeconds)));
    command.addAll(target.arguments());
    Process child = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.INHERIT).start();
    String output = new String(child.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (child.waitFor() != 0) {
      throw new IllegalStateException("the Debezium peer (" + format + ", -Xmx" + heap + ") failed with exit "
          + child.exitValue() + "; see its log above");
    }
    String[] result = output.strip().lines().reduce((first, second) -> second).orElseThrow().split(" ");
    long delivered = Long.parseLong(result[0]);
    String label = "peer (Debezium, " + format.label + ", -Xmx" + heap
        + (delivered < expected ? ", STOPPED at the time limit: "
            + String.format(Locale.ROOT, "%,d of %,d", delivered, expected) : "") + ")";
    return new Measurement(label, delivered, -1, Double.parseDouble(result[1]), -1);
  }

  /** The child JVM: {@code expected format timeout-seconds} then the target's arguments; prints "{@code n seconds}". */
  public static void main(String[] args) throws Exception {
    Target target = Target.of(List.of(args).subList(3, args.length));
    Measurement measurement = measure(target, Long.parseLong(args[0]), Format.valueOf(args[1]),
        Long.parseLong(args[2]));
    System.out.println(measurement.rows() + " " + measurement.seconds());
    System.exit(0);
  }

  /**
   * Runs the engine until it delivered {@code expected} records of the table, or {@code timeoutSeconds} passed:
   * the measurement then holds the records delivered and the time they took (a rate the rest would not have
   * beaten, since the engine only slows down as its heap fills).
   */
  static Measurement measure(Target target, long expected, Format format, long timeoutSeconds) throws Exception {
    String topic = "bench." + target.schema() + "." + target.table();
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
    Closeable engine;
    if (format == Format.CONNECT) {
      DebeziumEngine<RecordChangeEvent<SourceRecord>> connect = DebeziumEngine.create(ChangeEventFormat.of(
          Connect.class)).using(properties(target)).using(completion).notifying(event -> {
            if (topic.equals(event.record().topic()) && records.incrementAndGet() == expected) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(connect);
      engine = connect;
    } else {
      DebeziumEngine<ChangeEvent<String, String>> json = DebeziumEngine.create(Json.class).using(properties(target))
          .using(completion).notifying(event -> {
            if (topic.equals(event.destination()) && event.value() != null
                && records.incrementAndGet() == expected) {
              end[0] = System.nanoTime();
              done.countDown();
            }
          }).build();
      executor.execute(json);
      engine = json;
    }
    long delivered = expected;
    try {
      if (!done.await(timeoutSeconds, TimeUnit.SECONDS)) {
        end[0] = System.nanoTime();
        delivered = records.get();
      } else if (records.get() < expected) {
        throw new IllegalStateException("Debezium stopped after " + records.get() + " of " + expected
            + " records", failure.get());
      }
    } finally {
      engine.close();
      executor.shutdown();
      executor.awaitTermination(1, TimeUnit.MINUTES);
    }
    return new Measurement("peer (Debezium, " + format.label + ")", delivered, -1, (end[0] - start) / 1e9, -1);
  }

  private static Properties properties(Target target) {
    Properties properties = new Properties();
    properties.setProperty("name", "sluice-bench-peer");
    properties.setProperty("connector.class", "io.debezium.connector.postgresql.PostgresConnector");
    properties.setProperty("offset.storage", "org.apache.kafka.connect.storage.MemoryOffsetBackingStore");
    properties.setProperty("offset.flush.interval.ms", "60000");
    properties.setProperty("database.hostname", target.host());
    properties.setProperty("database.port", String.valueOf(target.port()));
    properties.setProperty("database.user", PostgresServer.USER);
    properties.setProperty("database.password", PostgresServer.PASSWORD);
    properties.setProperty("database.dbname", PostgresServer.DATABASE);
    properties.setProperty("topic.prefix", "bench");
    properties.setProperty("table.include.list", target.schema() + "." + target.table());
    properties.setProperty("plugin.name", "pgoutput");
    properties.setProperty("slot.name", target.slot());
    properties.setProperty("slot.drop.on.stop", "true");
    properties.setProperty("publication.name", target.publication());
    if (target.job() == Job.SNAPSHOT) {
      properties.setProperty("publication.autocreate.mode", "filtered");
      properties.setProperty("snapshot.mode", "initial_only");
      properties.setProperty("snapshot.max.threads", "2");
    } else {
      properties.setProperty("publication.autocreate.mode", "disabled");
      properties.setProperty("snapshot.mode", "no_data");
    }
    return properties;
  }
}
