package io.sluice.spi;

import java.util.Locale;

/** How a stream is synced. The JSON spelling is the lower-case name ({@code full_refresh}). */
public enum SyncMode {
  /** Every row, chunked; the destination's content is replaced atomically at the end. */
  FULL_REFRESH,
  /** Rows whose cursor moved past the saved (cursor, key) pair, upserted by key. */
  INCREMENTAL,
  /** A backfill, then the change log, applied by key. */
  CDC,
  /** The change log from now on, applied by key. */
  CDC_ONLY;

  public String jsonName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** @throws IllegalArgumentException naming the text and the accepted values */
  public static SyncMode fromJsonName(String text) {
    for (SyncMode mode : values()) {
      if (mode.jsonName().equals(text)) {
        return mode;
      }
    }
    throw new IllegalArgumentException(
        "unknown sync mode '" + text + "', expected one of full_refresh, incremental, cdc, cdc_only");
  }
}
