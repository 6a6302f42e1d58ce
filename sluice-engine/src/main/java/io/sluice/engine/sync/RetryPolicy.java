package io.sluice.engine.sync;

import io.sluice.spi.ErrorKind;
import io.sluice.spi.SluiceException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.ThreadLocalRandom;

/**
 * How a stream that failed with a {@link ErrorKind#TRANSIENT} error (a dropped connection, a timeout, a commit
 * conflict) is tried again: up to {@code maxRetries} more times, waiting an exponentially growing, jittered
 * delay between {@code firstDelay} and {@code maxDelay}. Every other kind fails at once: bad credentials do not
 * improve with time, and an unknown commit outcome must be resolved by the next run, not by this one.
 *
 * <p>A retry resumes from what is durable (committed chunks, the saved cursor, the log position), so it neither
 * repeats nor loses work.
 */
public record RetryPolicy(int maxRetries, Duration firstDelay, Duration maxDelay) {
  public static final RetryPolicy DEFAULTS = new RetryPolicy(5, Duration.ofSeconds(1), Duration.ofSeconds(60));
  public static final RetryPolicy NONE = new RetryPolicy(0, Duration.ofMillis(1), Duration.ofMillis(1));

  public RetryPolicy {
    if (maxRetries < 0 || firstDelay.isNegative() || firstDelay.isZero() || maxDelay.compareTo(firstDelay) < 0) {
      throw new IllegalArgumentException("Cannot retry " + maxRetries + " times between " + firstDelay + " and "
          + maxDelay + ": the count must be >= 0 and 0 < first delay <= max delay");
    }
  }

  /** Whether {@code failure} (or an exception it wraps) is a transient error worth another try. */
  static boolean retryable(Throwable failure) {
    return kind(failure).filter(k -> k == ErrorKind.TRANSIENT).isPresent();
  }

  private static Optional<ErrorKind> kind(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof SluiceException sluice) {
        return Optional.of(sluice.kind());
      }
    }
    return Optional.empty();
  }

  /** The wait before retry number {@code retry} (1-based): doubling from the first delay, capped, then jittered. */
  Duration delay(int retry) {
    long base = firstDelay.toMillis() << Math.min(retry - 1, 20);
    long capped = Math.min(base, maxDelay.toMillis());
    // "equal jitter": half fixed, half random, so retries of many streams do not hit the server in lockstep
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(capped - half + 1));
  }
}
