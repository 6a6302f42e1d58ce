package io.sluice.engine.sync;

import java.time.Duration;

/**
 * How change-log streams commit.
 *
 * @param commitInterval the longest time applied changes wait for a commit (the issue's
 *     {@code commit_interval_seconds}); also how often an idle log's advance is acknowledged
 * @param commitEvents a commit happens as soon as this many changes are pending, whatever the interval
 * @param continuous stream until interrupted; otherwise stop at the log's end as of the start
 */
public record ChangeLogOptions(Duration commitInterval, long commitEvents, boolean continuous) {
  public static final Duration DEFAULT_COMMIT_INTERVAL = Duration.ofSeconds(10);
  public static final long DEFAULT_COMMIT_EVENTS = 100_000;
  public static final ChangeLogOptions DEFAULTS =
      new ChangeLogOptions(DEFAULT_COMMIT_INTERVAL, DEFAULT_COMMIT_EVENTS, false);

  public ChangeLogOptions {
    if (commitInterval.isNegative() || commitInterval.isZero() || commitEvents < 1) {
      throw new IllegalArgumentException("Cannot use a commit interval of " + commitInterval + " and "
          + commitEvents + " events: both must be positive");
    }
  }

  public ChangeLogOptions withContinuous(boolean value) {
    return new ChangeLogOptions(commitInterval, commitEvents, value);
  }
}
