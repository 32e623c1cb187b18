// Package atomicfile writes outputs that appear whole or not at all.
package atomicfile

import (
	"bufio"
	"os"
	"path/filepath"
	"sync"
)

// File is an output written to a temporary name in the target's
// directory and renamed into place only by Commit: a crash or an
// interrupted run never leaves half a clean file a pipeline could submit.
type File struct {
	*bufio.Writer
	f      *os.File
	target string
}

var (
	openMu  sync.Mutex
	openTmp = map[string]bool{} // temporaries to remove on interrupt
)

// Create opens a temporary file beside path.
func Create(path string) (*File, error) {
	dir, base := filepath.Split(path)
	if dir == "" {
		dir = "."
	}
	f, err := os.CreateTemp(dir, "."+base+".tmp-*")
	if err != nil {
		return nil, err
	}
	openMu.Lock()
	openTmp[f.Name()] = true
	openMu.Unlock()
	return &File{Writer: bufio.NewWriterSize(f, 256<<10), f: f, target: path}, nil
}

func forget(name string) {
	openMu.Lock()
	delete(openTmp, name)
	openMu.Unlock()
}

// Commit flushes, syncs and renames the file into place.
func (a *File) Commit() error {
	name := a.f.Name()
	defer forget(name)
	err := a.Flush()
	if err == nil {
		err = a.f.Sync()
	}
	if cerr := a.f.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Chmod(name, 0o644)
	}
	if err == nil {
		err = os.Rename(name, a.target)
	}
	if err != nil {
		os.Remove(name)
	}
	return err
}

// Abort removes the temporary file; the target is left untouched.
func (a *File) Abort() {
	a.f.Close()
	os.Remove(a.f.Name())
	forget(a.f.Name())
}

// RemoveAll deletes every temporary not yet committed; the command calls
// it when interrupted.
func RemoveAll() {
	openMu.Lock()
	defer openMu.Unlock()
	for name := range openTmp {
		os.Remove(name)
		delete(openTmp, name)
	}
}
