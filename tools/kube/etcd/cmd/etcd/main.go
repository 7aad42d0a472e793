// Command etcd is upstream's go.etcd.io/etcd/server/v3 main package, built here because that
// module's replace directives keep `go install` from building it.
package main

import (
	"os"

	"go.etcd.io/etcd/server/v3/etcdmain"
)

func main() {
	etcdmain.Main(os.Args)
}
