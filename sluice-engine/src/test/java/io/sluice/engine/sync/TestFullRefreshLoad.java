package io.sluice.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.state.StateStore;
import io.sluice.spi.SluiceException;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestFullRefreshLoad {
  @TempDir Path directory;

  private SyncReport sync(FakeSource source, FakeDestination destination) throws InterruptedException {
    StateStore state = StateStore.open(directory.resolve("state.json"));
    SyncOptions options = new SyncOptions(1, 100, 4, 1 << 20);
    return new SyncRunner(source, destination, List.of(new io.sluice.engine.streams.ConfiguredStream(FakeSource.spec(), 100, 0, 1)), state, options, Clock.systemUTC()).run();
  }

  @Test
  void loadsEveryRowOnceAndPublishes() throws Exception {
    FakeSource source = new FakeSource(7, 1_000);
    FakeDestination destination = new FakeDestination();
    SyncReport report = sync(source, destination);
    assertThat(report.succeeded()).isTrue();
    assertThat(report.streams().get(0).rows()).isEqualTo(7_000);
    assertThat(destination.visibleIds()).isEqualTo(source.allIds());
    assertThat(destination.staged).isEmpty();
    var streamState = StateStore.open(directory.resolve("state.json")).current().stream("public.items");
    assertThat(streamState.load()).isEmpty();
    assertThat(streamState.lastCompletedLoad()).hasValueSatisfying(c -> assertThat(c.rows()).isEqualTo(7_000));
  }

  @Test
  void aReaderFailureFailsTheStreamWithItsOwnExceptionAndPublishesNothing() throws Exception {
    FakeSource source = new FakeSource(5, 1_000);
    FakeDestination destination = new FakeDestination();
    destination.visible.add(new Object[] {-1L, "old row"});
    source.failOnSplit = 3;
    SyncReport report = sync(source, destination);
    assertThat(report.succeeded()).isFalse();
    assertThat(report.streams().get(0).failure()).get()
        .isInstanceOf(SluiceException.class)
        .extracting(Throwable::getMessage).isEqualTo("Cannot read part 3: connection reset");
    assertThat(destination.visibleIds()).containsExactly(-1L);
  }

  /** Six splits on one lane; the load fails at split 4, after splits 0-3 are committed. */
  private FakeSource failAfterFourCommittedSplits(FakeDestination destination) throws Exception {
    FakeSource source = new FakeSource(6, 500);
    source.threads = 1;
    source.failOnSplit = 4;
    // splits 0-3 are handed over before split 4 fails; wait until the writer has committed them, so that the
    // failure (which drops whatever is still in the channel) cannot race with their commits
    source.beforeFailing = () -> awaitCommits(destination, 4);
    assertThat(sync(source, destination).succeeded()).isFalse();
    source.failOnSplit = -1;
    return source;
  }

  @Test
  void aResumedLoadReadsOnlyUncommittedSplitsAndDuplicatesNothing() throws Exception {
    FakeDestination destination = new FakeDestination();
    FakeSource source = failAfterFourCommittedSplits(destination);
    assertThat(source.reads.keySet()).containsExactlyInAnyOrder(0, 1, 2, 3, 4);
    assertThat(StateStore.open(directory.resolve("state.json")).current().stream("public.items").load())
        .hasValueSatisfying(l -> assertThat(l.done().encode()).isEqualTo("0-3"));

    source.reads.clear();
    assertThat(sync(source, destination).succeeded()).isTrue();
    assertThat(source.reads.keySet()).containsExactlyInAnyOrder(4, 5);
    assertThat(destination.visibleIds()).isEqualTo(source.allIds());
  }

  @Test
  void aLoadTheSourceCannotResumeStartsOverAndStillHoldsEveryRowOnce() throws Exception {
    FakeDestination destination = new FakeDestination();
    FakeSource source = failAfterFourCommittedSplits(destination);
    String firstLoad = StateStore.open(directory.resolve("state.json")).current().stream("public.items").load()
        .orElseThrow().loadId();

    source.resumable = false;
    source.reads.clear();
    assertThat(sync(source, destination).succeeded()).isTrue();
    assertThat(source.plans).as("planned again").hasValue(2);
    assertThat(source.reads.keySet()).as("every split read again").containsExactlyInAnyOrder(0, 1, 2, 3, 4, 5);
    assertThat(destination.visibleIds()).as("the first load's committed splits are not kept").isEqualTo(source.allIds());
    assertThat(StateStore.open(directory.resolve("state.json")).current().stream("public.items").lastCompletedLoad())
        .hasValueSatisfying(l -> assertThat(l.loadId()).isNotEqualTo(firstLoad));
  }

  private static void awaitCommits(FakeDestination destination, int commits) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    while (destination.commits.get() < commits && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
  }

  @Test
  void aCrashBetweenCommitAndStateWriteIsResolvedFromTheDestination() throws Exception {
    FakeSource source = new FakeSource(4, 300);
    source.threads = 1;
    FakeDestination destination = new FakeDestination();
    destination.crashAfterCommit = 2;
    assertThat(sync(source, destination).succeeded()).isFalse();
    var stateAfterCrash = StateStore.open(directory.resolve("state.json")).current().stream("public.items");
    assertThat(stateAfterCrash.load()).hasValueSatisfying(l -> assertThat(l.done().size()).isEqualTo(1));

    destination.crashAfterCommit = -1;
    source.reads.clear();
    assertThat(sync(source, destination).succeeded()).isTrue();
    assertThat(source.reads.keySet()).as("split 1 was committed before the crash").containsExactlyInAnyOrder(2, 3);
    assertThat(destination.visibleIds()).isEqualTo(source.allIds());
  }

  @Test
  void parallelLanesStillCommitWholeSplitsOnly() throws Exception {
    FakeSource source = new FakeSource(40, 250);
    source.threads = 4;
    FakeDestination destination = new FakeDestination();
    SyncReport report = sync(source, destination);
    assertThat(report.succeeded()).isTrue();
    assertThat(destination.visibleIds()).isEqualTo(source.allIds());
    assertThat(destination.commits.get()).isEqualTo(40);
  }
}
