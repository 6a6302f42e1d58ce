package io.sluice.engine.progress;

import java.io.PrintStream;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Shows each stream's progress while a sync runs: on a terminal, one live line per stream redrawn every
 * second; otherwise a log line per stream every {@code logInterval}. Runs on its own daemon thread.
 */
public final class ProgressReporter implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ProgressReporter.class);

  private final List<StreamProgress> streams;
  private final PrintStream terminal;
  private final long intervalMillis;
  private final Thread thread;
  private volatile boolean running = true;
  private int linesDrawn;

  /**
   * @param terminal where to draw live lines, or null to log periodically instead
   * @param intervalMillis how often to draw (terminal) or log
   */
  public ProgressReporter(List<StreamProgress> streams, PrintStream terminal, long intervalMillis) {
    this.streams = List.copyOf(streams);
    this.terminal = terminal;
    this.intervalMillis = intervalMillis;
    this.thread = new Thread(this::loop, "sluice-progress");
    this.thread.setDaemon(true);
  }

  public ProgressReporter start() {
    thread.start();
    return this;
  }

  private void loop() {
    while (running) {
      try {
        TimeUnit.MILLISECONDS.sleep(intervalMillis);
      } catch (InterruptedException e) {
        return;
      }
      if (running) {
        report();
      }
    }
  }

  private synchronized void report() {
    if (terminal != null) {
      StringBuilder frame = new StringBuilder();
      if (linesDrawn > 0) {
        frame.append("\u001b[").append(linesDrawn).append('F');
      }
      for (StreamProgress stream : streams) {
        frame.append("\u001b[2K").append(line(stream)).append('\n');
      }
      terminal.print(frame);
      terminal.flush();
      linesDrawn = streams.size();
    } else {
      for (StreamProgress stream : streams) {
        StreamProgress.Phase phase = stream.phase();
        if (phase == StreamProgress.Phase.LOADING || phase == StreamProgress.Phase.PLANNING
            || phase == StreamProgress.Phase.PUBLISHING || phase == StreamProgress.Phase.STREAMING) {
          LOG.info("progress {}", line(stream));
        }
      }
    }
  }

  /** One stream's progress as text: phase, rows, rate, chunks, elapsed. */
  public static String line(StreamProgress stream) {
    double elapsed = stream.elapsedSeconds();
    long rows = stream.rowsRead();
    double rate = elapsed > 0 ? rows / elapsed : 0;
    if (stream.phase() == StreamProgress.Phase.STREAMING) {
      return String.format(Locale.ROOT, "%-32s %-10s %12s rows, %s changes committed  %s", stream.stream(),
          "streaming", String.format(Locale.ROOT, "%,d", rows),
          String.format(Locale.ROOT, "%,d", stream.changesCommitted()), duration(elapsed));
    }
    String estimate = stream.estimatedRows() > 0 ? " of ~" + human(stream.estimatedRows()) : "";
    return String.format(Locale.ROOT, "%-32s %-10s %12s rows%s  %9s rows/s  chunks %d/%d  %s",
        stream.stream(), stream.phase().name().toLowerCase(Locale.ROOT), String.format(Locale.ROOT, "%,d", rows),
        estimate, human((long) rate), stream.chunksDone(), stream.chunksTotal(), duration(elapsed));
  }

  private static String human(long value) {
    if (value >= 10_000_000) {
      return String.format(Locale.ROOT, "%.1fM", value / 1e6);
    }
    if (value >= 10_000) {
      return String.format(Locale.ROOT, "%.1fk", value / 1e3);
    }
    return Long.toString(value);
  }

  /** {@code 1m 05s}, {@code 12.3s}. */
  public static String duration(double seconds) {
    if (seconds < 60) {
      return String.format(Locale.ROOT, "%.1fs", seconds);
    }
    long whole = (long) seconds;
    return String.format(Locale.ROOT, "%dm %02ds", whole / 60, whole % 60);
  }

  /** Stops reporting; draws the final frame on a terminal. */
  @Override
  public void close() {
    running = false;
    thread.interrupt();
    if (terminal != null) {
      report();
    }
  }
}
