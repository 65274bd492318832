package membership

import (
	"context"
	"log"
	"log/slog"
	"strings"
)

// newStdLogger returns the *log.Logger memberlist writes to: each line is
// turned into an slog record on logger.
func newStdLogger(logger *slog.Logger) *log.Logger {
	return log.New(logWriter{logger: logger}, "", 0)
}

// logWriter adapts memberlist's log lines ("[WARN] memberlist: text") to
// slog. A *log.Logger makes one Write per line and serialises its Writes.
type logWriter struct {
	logger *slog.Logger
}

func (w logWriter) Write(p []byte) (int, error) {
	level, msg := parseLogLine(string(p))
	ctx := context.Background()
	if w.logger.Enabled(ctx, level) {
		w.logger.Log(ctx, level, msg)
	}
	return len(p), nil
}

// parseLogLine returns the slog level and message of one memberlist log
// line: the level prefix and "memberlist: " are dropped; a line without a
// known prefix is logged whole at Info.
func parseLogLine(line string) (slog.Level, string) {
	levels := [...]struct {
		prefix string
		level  slog.Level
	}{
		{"[DEBUG]", slog.LevelDebug},
		{"[INFO]", slog.LevelInfo},
		{"[WARN]", slog.LevelWarn},
		{"[ERR]", slog.LevelError},
		{"[ERROR]", slog.LevelError},
	}
	line = strings.TrimRight(line, "\r\n")
	level := slog.LevelInfo
	for _, l := range levels {
		if rest, ok := strings.CutPrefix(line, l.prefix); ok {
			level, line = l.level, strings.TrimLeft(rest, " ")
			break
		}
	}
	line = strings.TrimPrefix(line, "memberlist: ")
	return level, line
}
