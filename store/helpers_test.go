package store_test

import "os"

func renameTo(from, to string) error { return os.Rename(from, to) }
