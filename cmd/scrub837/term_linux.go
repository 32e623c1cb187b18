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
