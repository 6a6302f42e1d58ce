package io.sluice.source.mysql;

import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;

/**
 * Parses MySQL's text forms of dates, datetimes and times. Zero and partly-zero dates (a year, month or day of 0,
 * which lenient SQL modes allow) have no calendar value and become NULL.
 */
final class MySqlTemporalText {
  private MySqlTemporalText() {}

  /** {@code YYYY-MM-DD}; NULL for zero parts. */
  static LocalDate date(String text) {
    int year = Integer.parseInt(text, 0, 4, 10);
    int month = Integer.parseInt(text, 5, 7, 10);
    int day = Integer.parseInt(text, 8, 10, 10);
    if (year == 0 || month == 0 || day == 0) {
      return null;
    }
    return LocalDate.of(year, month, day);
  }

  /** {@code YYYY-MM-DD HH:MM:SS[.ffffff]}; NULL for a zero date part. */
  static LocalDateTime dateTime(String text) {
    LocalDate date = date(text);
    if (date == null) {
      return null;
    }
    int hour = Integer.parseInt(text, 11, 13, 10);
    int minute = Integer.parseInt(text, 14, 16, 10);
    int second = Integer.parseInt(text, 17, 19, 10);
    return LocalDateTime.of(date, LocalTime.of(hour, minute, second, fractionNanos(text, 19)));
  }

  /** {@code [-]H..H:MM:SS[.ffffff]} as signed microseconds. */
  static long timeMicros(String text) {
    boolean negative = text.startsWith("-");
    int start = negative ? 1 : 0;
    int firstColon = text.indexOf(':', start);
    long hours = Long.parseLong(text, start, firstColon, 10);
    long minutes = Long.parseLong(text, firstColon + 1, firstColon + 3, 10);
    long seconds = Long.parseLong(text, firstColon + 4, firstColon + 6, 10);
    long micros = ((hours * 60 + minutes) * 60 + seconds) * 1_000_000L + fractionNanos(text, firstColon + 6) / 1000;
    return negative ? -micros : micros;
  }

  private static int fractionNanos(String text, int dot) {
    if (text.length() <= dot + 1 || text.charAt(dot) != '.') {
      return 0;
    }
    String digits = text.substring(dot + 1);
    int nanos = Integer.parseInt(digits);
    for (int i = digits.length(); i < 9; i++) {
      nanos *= 10;
    }
    return nanos;
  }
}
