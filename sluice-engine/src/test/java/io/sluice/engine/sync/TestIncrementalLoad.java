package io.sluice.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import java.nio.file.Path;
import java.time.Clock;
import java.time.LocalDateTime;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestIncrementalLoad {
  private static final LocalDateTime T0 = LocalDateTime.parse("2026-01-01T10:00:00.123456");

  @TempDir Path directory;

  private SyncReport sync(FakeCursorTable table, FakeDestination destination, int pageSize, long lookback)
      throws InterruptedException {
    StateStore state = StateStore.open(directory.resolve("state.json"));
    return new SyncRunner(table, destination, List.of(new ConfiguredStream(FakeCursorTable.spec(), pageSize, lookback, 1)),
        state, SyncOptions.DEFAULTS, Clock.systemUTC()).run();
  }

  private static Map<Long, List<Object>> content(List<Object[]> rows) {
    Map<Long, List<Object>> map = new TreeMap<>();
    rows.forEach(r -> map.put((Long) r[0], List.of(r)));
    return map;
  }

  @Test
  void tenThousandRowsSharingOneCursorValueArriveOnceWithPagesOf100() throws Exception {
    FakeCursorTable table = new FakeCursorTable();
    for (long id = 1; id <= 10_000; id++) {
      table.put(id, T0, "row " + id);
    }
    FakeDestination destination = new FakeDestination();
    SyncReport report = sync(table, destination, 100, 0);
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(report.streams().get(0).rows()).isEqualTo(10_000);
    assertThat(table.pagesRead).as("100 full pages and one empty page, no page twice").isEqualTo(101);
    assertThat(content(List.copyOf(destination.upserted.values()))).isEqualTo(content(table.snapshot()));

    var saved = StateStore.open(directory.resolve("state.json")).current().stream("public.accounts").incremental();
    assertThat(saved).hasValueSatisfying(p -> assertThat(p.position().orElseThrow().toString())
        .isEqualTo("{\"cursor\":\"2026-01-01T10:00:00.123456\",\"key\":[10000]}"));

    int commits = destination.commits.get();
    assertThat(sync(table, destination, 100, 0).streams().get(0).rows()).isZero();
    assertThat(destination.commits.get()).as("a run with nothing new commits nothing").isEqualTo(commits);
  }

  @Test
  void updatesDuringARunThatMoveARowPastThePageEndUpWithTheNewestVersion() throws Exception {
    FakeCursorTable table = new FakeCursorTable();
    for (long id = 1; id <= 1_000; id++) {
      table.put(id, T0.plusSeconds(id), "v1");
    }
    table.afterEachPage = t -> {
      if (t.pagesRead == 2) {
        t.put(5, T0.plusSeconds(5_000), "v2 moved past the current page");
        t.put(900, T0.plusSeconds(10), "v2 moved back behind the current page");
      }
    };
    FakeDestination destination = new FakeDestination();
    assertThat(sync(table, destination, 100, 0).succeeded()).isTrue();
    table.afterEachPage = t -> {};
    // row 900's new cursor is 4,990 s behind the saved position (row 5 at +5,000 s): a look-back of 6,000 s
    // re-reads far enough to catch it, and the upsert keeps one version of every re-read row
    assertThat(sync(table, destination, 100, 6_000).succeeded()).isTrue();
    assertThat(content(List.copyOf(destination.upserted.values()))).isEqualTo(content(table.snapshot()));
  }

  @Test
  void aCrashBetweenCommitAndStateWriteResumesFromTheDestinationsPosition() throws Exception {
    FakeCursorTable table = new FakeCursorTable();
    for (long id = 1; id <= 250_000; id++) {
      table.put(id, T0.plusNanos(id * 1_000), "v1");
    }
    FakeDestination destination = new FakeDestination();
    destination.crashAfterCommit = 1;
    assertThat(sync(table, destination, 10_000, 0).succeeded()).isFalse();
    assertThat(destination.upserted).hasSize((int) IncrementalLoad.COMMIT_ROWS);
    destination.crashAfterCommit = -1;
    int pagesBefore = table.pagesRead;
    assertThat(sync(table, destination, 10_000, 0).succeeded()).isTrue();
    assertThat(table.pagesRead - pagesBefore).as("pages after the committed position only").isEqualTo(16);
    assertThat(content(List.copyOf(destination.upserted.values()))).isEqualTo(content(table.snapshot()));
  }

  @Test
  void continuousModePollsUntilInterruptedAndPicksUpNewRows() throws Exception {
    FakeCursorTable table = new FakeCursorTable();
    table.put(1, T0, "a");
    FakeDestination destination = new FakeDestination();
    StateStore state = StateStore.open(directory.resolve("state.json"));
    SyncRunner runner = new SyncRunner(table, destination,
        List.of(new ConfiguredStream(FakeCursorTable.spec(), 100, 0, 1)), state, SyncOptions.DEFAULTS,
        Clock.systemUTC(), true);
    java.util.concurrent.atomic.AtomicReference<Throwable> outcome = new java.util.concurrent.atomic.AtomicReference<>();
    Thread sync = new Thread(() -> {
      try {
        runner.run();
      } catch (Throwable t) {
        outcome.set(t);
      }
    });
    sync.start();
    awaitUpserted(destination, 1);
    table.put(2, T0.plusSeconds(1), "b");
    awaitUpserted(destination, 2);
    assertThat(sync.isAlive()).as("continuous mode keeps polling").isTrue();
    sync.interrupt();
    sync.join(10_000);
    assertThat(sync.isAlive()).isFalse();
    assertThat(outcome.get()).isInstanceOf(InterruptedException.class);
    assertThat(content(List.copyOf(destination.upserted.values()))).isEqualTo(content(table.snapshot()));
  }

  private static void awaitUpserted(FakeDestination destination, int rows) throws InterruptedException {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (System.nanoTime() < deadline) {
      synchronized (destination) {
        if (destination.upserted.size() >= rows) {
          return;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("the destination never reached " + rows + " rows");
  }

  @Test
  void rowsWithANullCursorAreSkippedAndCounted() throws Exception {
    FakeCursorTable table = new FakeCursorTable();
    table.put(1, T0, "a");
    table.put(2, null, "no cursor");
    FakeDestination destination = new FakeDestination();
    assertThat(sync(table, destination, 100, 0).succeeded()).isTrue();
    assertThat(destination.upserted.keySet()).containsExactly(1L);
  }
}
