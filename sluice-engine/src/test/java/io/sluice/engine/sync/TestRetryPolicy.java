package io.sluice.engine.sync;

import static org.assertj.core.api.Assertions.assertThat;

import io.sluice.engine.state.StateStore;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TestRetryPolicy {
  @TempDir Path directory;

  @Test
  void onlyTransientErrorsAreRetriedEvenWhenWrapped() {
    assertThat(RetryPolicy.retryable(new SluiceException(ErrorKind.TRANSIENT, "connection reset"))).isTrue();
    assertThat(RetryPolicy.retryable(new RuntimeException("lane failed",
        new SluiceException(ErrorKind.TRANSIENT, "timeout")))).isTrue();
    for (ErrorKind kind : List.of(ErrorKind.CONFIG, ErrorKind.PERMANENT, ErrorKind.COMMIT_UNKNOWN,
        ErrorKind.INTERNAL)) {
      assertThat(RetryPolicy.retryable(new SluiceException(kind, "no"))).as(kind.name()).isFalse();
    }
    assertThat(RetryPolicy.retryable(new IllegalStateException("bug"))).isFalse();
  }

  @Test
  void delaysDoubleUpToTheCapWithJitter() {
    RetryPolicy policy = new RetryPolicy(10, Duration.ofSeconds(1), Duration.ofSeconds(60));
    for (int i = 0; i < 50; i++) {
      assertThat(policy.delay(1)).isBetween(Duration.ofMillis(500), Duration.ofSeconds(1));
      assertThat(policy.delay(3)).isBetween(Duration.ofSeconds(2), Duration.ofSeconds(4));
      assertThat(policy.delay(10)).isBetween(Duration.ofSeconds(30), Duration.ofSeconds(60));
    }
  }

  @Test
  void aStreamThatFailsTransientlyIsResumedNotRestarted() throws Exception {
    FakeSource source = new FakeSource(4, 100);
    source.threads = 1;
    source.failOnSplit = 2;
    FakeDestination destination = new FakeDestination();
    source.beforeFailing = () -> {
      // fails once, like a dropped connection, once the splits before it are committed
      long deadline = System.nanoTime() + 10_000_000_000L;
      while (destination.commits.get() < 2 && System.nanoTime() < deadline) {
        Thread.onSpinWait();
      }
      source.failOnSplit = -1;
    };
    SyncReport report = new SyncRunner(source, destination, List.of(ConfiguredStream.of(FakeSource.spec())),
        StateStore.open(directory.resolve("state.json")), SyncOptions.DEFAULTS, Clock.systemUTC())
        .retrying(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5))).run();
    assertThat(report.succeeded()).as(report.toString()).isTrue();
    assertThat(destination.visibleIds()).isEqualTo(source.allIds());
    assertThat(source.reads.get(0).get()).as("a committed split is not read again").isEqualTo(1);
    assertThat(source.reads.get(2).get()).isEqualTo(2);
  }

  @Test
  void retriesStopAtTheLimit() throws Exception {
    FakeSource source = new FakeSource(2, 10);
    source.failOnSplit = 1; // fails every time
    SyncReport report = new SyncRunner(source, new FakeDestination(), List.of(ConfiguredStream.of(FakeSource.spec())),
        StateStore.open(directory.resolve("state.json")), SyncOptions.DEFAULTS, Clock.systemUTC())
        .retrying(new RetryPolicy(2, Duration.ofMillis(1), Duration.ofMillis(5))).run();
    assertThat(report.succeeded()).isFalse();
    assertThat(source.reads.get(1).get()).as("the first try and two retries").isEqualTo(3);
  }
}
