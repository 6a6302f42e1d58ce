package io.sluice.engine.sync;

import io.sluice.engine.config.Suggestions;
import io.sluice.engine.state.StateStore;
import io.sluice.engine.state.SyncState;
import io.sluice.engine.streams.ConfiguredStream;
import io.sluice.spi.ConfigException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@code sync --resync}: forgets what the state file knows of some streams, so their next sync starts over (a
 * backfill for {@code cdc}, a full read for {@code incremental}, a new load for {@code full_refresh}). The
 * destination tables are left as they are until the new load replaces their content.
 */
public final class StreamResync {
  /** The selector that names every configured stream. */
  public static final String ALL = "all";

  private StreamResync() {}

  /**
   * Resets the selected streams in {@code state} (saved at once) and returns their ids.
   *
   * @param selectors stream ids ({@code namespace.name}) or {@link #ALL}
   * @throws ConfigException naming a selector that is not a configured stream, before anything is changed
   */
  public static List<String> apply(StateStore state, List<ConfiguredStream> streams, List<String> selectors) {
    List<String> configured = streams.stream().map(s -> s.spec().source().toString()).toList();
    Set<String> chosen = new LinkedHashSet<>();
    for (String selector : selectors) {
      if (selector.equals(ALL)) {
        chosen.addAll(configured);
      } else if (configured.contains(selector)) {
        chosen.add(selector);
      } else {
        throw new ConfigException("--resync", "Invalid option --resync: '" + selector + "' is not a selected "
            + "stream of the streams file" + Suggestions.suggest(selector, configured).map(s -> " (did you mean '"
            + s + "'?)").orElse("") + "; expected namespace.name of a selected stream, or " + ALL);
      }
    }
    if (!chosen.isEmpty()) {
      state.updateAll(current -> {
        SyncState next = current;
        for (String key : chosen) {
          next = next.with(key, next.stream(key).resynced());
        }
        return next;
      });
    }
    return new ArrayList<>(chosen);
  }
}
