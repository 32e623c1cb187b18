package main

import (
	"syscall"
	"unsafe"
)

// isatty asks the kernel for terminal attributes: /dev/null is a character
// device too, so the file mode alone is not enough.
func isatty(fd uintptr) bool {
	var t syscall.Termios
	_, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TCGETS, uintptr(unsafe.Pointer(&t)))
	return errno == 0
}

// termWidth returns the terminal's width in columns, or 0 when unknown.
func termWidth(fd uintptr) int {
	var ws struct{ rows, cols, x, y uint16 }
	if _, _, errno := syscall.Syscall(syscall.SYS_IOCTL, fd, syscall.TIOCGWINSZ, uintptr(unsafe.Pointer(&ws))); errno != 0 {
		return 0
	}
	return int(ws.cols)
}
