// Command scheduler is the Dapr scheduler, which stores and fires Jobs API jobs.
package main

import (
	"github.com/dapr/dapr/cmd/scheduler/app"
)

func main() {
	app.Run()
}
