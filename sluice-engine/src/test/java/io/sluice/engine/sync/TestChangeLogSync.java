package io.sluice.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.state.ChangeLogProgress;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.spi.Column;
import io.sluice.spi.DataType;
import io.sluice.spi.Operation;
import io.sluice.spi.SyncMode;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestChangeLogSync {
  @TempDir Path directory;

  private SyncReport sync(FakeChangeLog source, FakeKeyedTable table, SyncMode mode, ChangeLogOptions options)
      throws InterruptedException {
    StateStore state = StateStore.open(directory.resolve("state.json"));
    return new SyncRunner(source, table, List.of(ConfiguredStream.of(FakeChangeLog.spec(mode))), state,
        SyncOptions.DEFAULTS, Clock.systemUTC(), options).run();
  }

  private SyncReport bounded(FakeChangeLog source, FakeKeyedTable table) throws InterruptedException {
    return sync(source, table, SyncMode.CDC, ChangeLogOptions.DEFAULTS);
  }

  private ChangeLogProgress saved() {
    return StateStore.open(directory.resolve("state.json")).current().stream("public.orders").changeLog()
        .orElseThrow();
  }

  private static FakeChangeLog tableOf(int rows) {
    FakeChangeLog source = new FakeChangeLog();
    for (long id = 1; id <= rows; id++) {
      source.insert(id, "v1");
    }
    return source;
  }

  @Test
  void backfillThenReplayConvergesOnTheSource() throws Exception {
    FakeChangeLog source = tableOf(20);
    FakeKeyedTable table = new FakeKeyedTable();
    SyncReport first = bounded(source, table);
    assertThat(first.succeeded()).as(first.toString()).isTrue();
    assertThat(table.content()).isEqualTo(source.content());
    assertThat(table.applied).as("the backfill covered everything before the pin").isEmpty();
    assertThat(saved().backfilled()).isTrue();
    assertThat(saved().position()).isEqualTo("20");

    source.insert(21, "new");
    source.update(5, "v2");
    source.delete(7);
    source.update(21, "v2");
    SyncReport second = bounded(source, table);
    assertThat(second.succeeded()).as(second.toString()).isTrue();
    assertThat(table.content()).isEqualTo(source.content());
    assertThat(table.applied).extracting(e -> e.operation())
        .containsExactly(Operation.INSERT, Operation.UPDATE, Operation.DELETE, Operation.UPDATE);
    assertThat(saved().position()).isEqualTo("24");
    assertThat(source.acknowledged).as("acknowledged only what state holds").last().isEqualTo("24");

    int commits = table.commits.get();
    assertThat(bounded(source, table).succeeded()).isTrue();
    assertThat(table.commits.get()).as("a run with nothing new commits nothing").isEqualTo(commits);
  }

  @Test
  void changesDuringTheBackfillAreReplayedFromThePin() throws Exception {
    FakeChangeLog source = tableOf(10);
    FakeKeyedTable table = new FakeKeyedTable();
    // The pin snapshots 10 rows; these changes land in the log after it, before the replay.
    SyncRunner runner = new SyncRunner(source, new DestinationMutatingOnFirstOpen(table, () -> {
      source.update(3, "during");
      source.delete(4);
      source.insert(11, "during");
    }), List.of(ConfiguredStream.of(FakeChangeLog.spec(SyncMode.CDC))),
        StateStore.open(directory.resolve("state.json")), SyncOptions.DEFAULTS, Clock.systemUTC(),
        ChangeLogOptions.DEFAULTS);
    assertThat(runner.run().succeeded()).isTrue();
    assertThat(table.content()).isEqualTo(source.content());
    assertThat(table.applied).hasSize(3);
  }

  @Test
  void aCrashBetweenCommitAndStateNeitherLosesNorRepeatsAChange() throws Exception {
    FakeChangeLog source = tableOf(5);
    FakeKeyedTable table = new FakeKeyedTable();
    assertThat(bounded(source, table).succeeded()).isTrue();
    for (long id = 100; id < 130; id++) {
      source.insert(id, "x");
    }
    // batches of 3, a commit every 6 changes: the second change-log commit lands and then the process "dies"
    table.crashAfterCommit = table.commits.get() + 2;
    SyncReport crashed = sync(source, table, SyncMode.CDC, new ChangeLogOptions(Duration.ofHours(1), 6, false));
    assertThat(crashed.succeeded()).isFalse();
    assertThat(saved().position()).as("state stops at the first commit").isEqualTo("11");
    assertThat(table.applied).hasSize(12);

    table.crashAfterCommit = -1;
    assertThat(sync(source, table, SyncMode.CDC, new ChangeLogOptions(Duration.ofHours(1), 6, false)).succeeded())
        .isTrue();
    assertThat(table.content()).isEqualTo(source.content());
    assertThat(table.applied).as("each change applied exactly once").hasSize(30)
        .extracting(e -> e.values()[0]).doesNotHaveDuplicates();
    assertThat(source.acknowledged).as("never acknowledged past the state file").doesNotContain("17");
  }

  @Test
  void aSchemaChangeCommitsFirstThenEvolvesTheTable() throws Exception {
    FakeChangeLog source = tableOf(3);
    FakeKeyedTable table = new FakeKeyedTable();
    assertThat(bounded(source, table).succeeded()).isTrue();
    source.insert(4, "before");
    List<Column> wider = List.of(FakeChangeLog.COLUMNS.get(0), FakeChangeLog.COLUMNS.get(1),
        new Column("extra", DataType.STRING, true, "text"));
    source.addColumn(wider);
    source.insertWide(5, "after", "more");
    SyncReport report = bounded(source, table);
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(table.evolutions).containsExactly(wider);
    assertThat(table.content()).isEqualTo(source.content());
  }

  @Test
  void cdcOnlyStartsAtThePinWithoutBackfill() throws Exception {
    FakeChangeLog source = tableOf(5);
    FakeKeyedTable table = new FakeKeyedTable();
    assertThat(sync(source, table, SyncMode.CDC_ONLY, ChangeLogOptions.DEFAULTS).succeeded()).isTrue();
    assertThat(table.rows).isEmpty();
    source.insert(6, "later");
    assertThat(sync(source, table, SyncMode.CDC_ONLY, ChangeLogOptions.DEFAULTS).succeeded()).isTrue();
    assertThat(table.content()).containsOnlyKeys(6L);
  }

  @Test
  void continuousModeStreamsUntilInterruptedAndCommitsWhatItApplied() throws Exception {
    FakeChangeLog source = tableOf(2);
    FakeKeyedTable table = new FakeKeyedTable();
    ExecutorService thread = Executors.newSingleThreadExecutor();
    try {
      Future<SyncReport> running = thread.submit(() -> sync(source, table, SyncMode.CDC,
          new ChangeLogOptions(Duration.ofMillis(200), 1_000, true)));
      for (long id = 3; id <= 8; id++) {
        source.insert(id, "live");
      }
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!table.content().equals(source.content()) && System.nanoTime() < deadline) {
        Thread.sleep(50);
      }
      assertThat(table.content()).as("visible within the commit interval").isEqualTo(source.content());
      source.insert(9, "last");
      Thread.sleep(50);
      running.cancel(true);
      thread.shutdown();
      assertThat(thread.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
    } finally {
      thread.shutdownNow();
    }
    assertThat(saved().position()).isEqualTo(Integer.toString(source.log.size()));
    assertThat(table.content()).as("the interrupt committed what was applied").isEqualTo(source.content());
  }

  @Test
  void resyncStartsTheStreamOverWithANewBackfill() throws Exception {
    FakeChangeLog source = tableOf(4);
    FakeKeyedTable table = new FakeKeyedTable();
    assertThat(bounded(source, table).succeeded()).isTrue();
    table.rows.remove(2L); // the table drifted (e.g. someone deleted from it)
    StateStore state = StateStore.open(directory.resolve("state.json"));
    assertThat(StreamResync.apply(state, List.of(ConfiguredStream.of(FakeChangeLog.spec(SyncMode.CDC))),
        List.of("public.orders"))).containsExactly("public.orders");
    assertThat(state.current().stream("public.orders").changeLog()).isEmpty();
    assertThat(bounded(source, table).succeeded()).isTrue();
    assertThat(table.content()).isEqualTo(source.content());
  }

  @Test
  void resyncOfAnUnknownStreamIsRefusedWithASuggestion() {
    StateStore state = StateStore.open(directory.resolve("state.json"));
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> StreamResync.apply(state,
            List.of(ConfiguredStream.of(FakeChangeLog.spec(SyncMode.CDC))), List.of("public.order")))
        .hasMessage("Invalid option --resync: 'public.order' is not a selected stream of the streams file "
            + "(did you mean 'public.orders'?); expected namespace.name of a selected stream, or all");
  }
}
