//go:build !linux

package main

import "os"

func isatty(fd uintptr) bool {
	fi, err := os.NewFile(fd, "").Stat()
	return err == nil && fi.Mode()&os.ModeCharDevice != 0
}

// termWidth is unknown here: the bar assumes 80 columns.
func termWidth(uintptr) int { return 0 }
