package io.sluice.source.postgres;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.sluice.spi.Source;
import io.sluice.spi.Split;
import io.sluice.spi.StreamSpec;
import io.sluice.testkit.PostgresServer;
import java.sql.Connection;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfSystemProperty;
import org.postgresql.PGConnection;
import org.postgresql.copy.CopyOut;

/**
 * Read speed of a wide table against the limit, the same binary COPY drained to nowhere. A measurement, not a
 * check: runs only with {@code -Dsluice.bench=true} (and {@code -Dsluice.bench.rows=N}, default 1,000,000).
 */
@EnabledIfSystemProperty(named = "sluice.bench", matches = "true")
class PostgresReadSpeedIT {
  private static final long ROWS = Long.getLong("sluice.bench.rows", 1_000_000L);
  private static PostgresServer server;

  @BeforeAll
  static void startServer() {
    server = PostgresServer.start();
    server.execute("""
        CREATE SCHEMA bench;
        CREATE TABLE bench.wide (
          id bigint PRIMARY KEY, i1 int, i2 int, l1 bigint, f1 real, d1 double precision, n1 numeric(12,2),
          n2 numeric(18,6), b1 boolean, t1 text, t2 varchar(64), t3 text, dt date, ts timestamp, tz timestamptz,
          u uuid, j jsonb, arr int[], by bytea, e text
        );
        INSERT INTO bench.wide SELECT g, g %% 1000, g %% 77, g * 31, g / 3.0, g / 7.0, (g %% 100000) / 100.0,
          (g %% 1000000) / 1000000.0, g %% 2 = 0, 'name ' || g, 'zone-' || (g %% 263), md5(g::text),
          date '2024-01-01' + (g %% 366)::int, timestamp '2024-01-01' + make_interval(secs => g),
          timestamptz '2024-01-01 00:00:00+00' + make_interval(secs => g), md5(g::text)::uuid,
          jsonb_build_object('k', g %% 10, 'v', 'x'), ARRAY[g %% 10, g %% 100], int8send(g), NULL
        FROM generate_series(1, %d) g;
        ANALYZE bench.wide;
        """.formatted(ROWS));
  }

  private static double rawCopySeconds(long... bytes) throws Exception {
    long start = System.nanoTime();
    long total = 0;
    try (Connection connection = server.connect(PostgresServer.DATABASE)) {
      CopyOut copy = connection.unwrap(PGConnection.class).getCopyAPI()
          .copyOut("COPY (SELECT * FROM bench.wide) TO STDOUT (FORMAT binary)");
      for (byte[] message = copy.readFromCopy(); message != null; message = copy.readFromCopy()) {
        total += message.length;
      }
    }
    if (bytes.length > 0) {
      bytes[0] = total;
    }
    return (System.nanoTime() - start) / 1e9;
  }

  @AfterAll
  static void stopServer() throws Exception {
    PostgresSourceFixture.close(server);
  }

  @Test
  void readSpeedAgainstRawBinaryCopy() throws Exception {
    rawCopySeconds(); // warms up the JIT for the driver's copy path
    long[] rawBytes = new long[1];
    double rawSeconds = rawCopySeconds(rawBytes);

    ObjectNode config = PostgresSourceFixture.config(server, "bench");
    config.put("chunk_size_rows", (int) Math.max(1000, ROWS / 8));
    try (Source source = PostgresSourceFixture.source(config)) {
      StreamSpec spec = PostgresSourceFixture.spec(PostgresSourceFixture.stream(source.discover(), "bench", "wide"));
      List<Split> splits = source.planSnapshot(spec);
      PostgresChunk whole = new PostgresChunk.WholeTable();
      Split wholeTable = new Split(whole.id(), whole.toJson(), ROWS);
      try (var reader = source.openSnapshot(spec, wholeTable)) {
        reader.read((row, size) -> { }); // warm-up
      }
      long wholeStart = System.nanoTime();
      try (var reader = source.openSnapshot(spec, wholeTable)) {
        assertThat(reader.read((row, size) -> { })).isEqualTo(ROWS);
      }
      double wholeSeconds = (System.nanoTime() - wholeStart) / 1e9;

      long start = System.nanoTime();
      long rows = 0;
      for (Split split : splits) {
        try (var reader = source.openSnapshot(spec, split)) {
          rows += reader.read((row, size) -> { });
        }
      }
      double oneThread = (System.nanoTime() - start) / 1e9;
      assertThat(rows).isEqualTo(ROWS);

      AtomicLong parallelRows = new AtomicLong();
      ExecutorService threads = Executors.newFixedThreadPool(2);
      start = System.nanoTime();
      try {
        List<Future<Long>> futures = splits.stream().map(split -> threads.submit(() -> {
          try (var reader = source.openSnapshot(spec, split)) {
            return parallelRows.addAndGet(reader.read((row, size) -> { }));
          }
        })).toList();
        for (Future<Long> future : futures) {
          future.get();
        }
      } finally {
        threads.shutdown();
      }
      double twoThreads = (System.nanoTime() - start) / 1e9;
      assertThat(parallelRows).hasValue(ROWS);

      System.out.printf(Locale.ROOT, "%n%,d rows x 20 columns, %,.0f MB of binary COPY%n", ROWS, rawBytes[0] / 1e6);
      System.out.printf(Locale.ROOT, "raw binary COPY drained:    %6.2f s  %,12.0f rows/s%n", rawSeconds, ROWS / rawSeconds);
      System.out.printf(Locale.ROOT, "source, 1 reader, 1 chunk:   %6.2f s  %,12.0f rows/s  (%.0f%% of raw)%n",
          wholeSeconds, ROWS / wholeSeconds, 100 * rawSeconds / wholeSeconds);
      System.out.printf(Locale.ROOT, "source, 1 reader, %2d chunks: %6.2f s  %,12.0f rows/s  (%.0f%% of raw)%n",
          splits.size(), oneThread, ROWS / oneThread, 100 * rawSeconds / oneThread);
      System.out.printf(Locale.ROOT, "source, 2 readers:          %6.2f s  %,12.0f rows/s%n", twoThreads, ROWS / twoThreads);
    }
  }
}
