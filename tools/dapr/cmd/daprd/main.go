// Command daprd is the Dapr sidecar with only the components todo-chatbot uses
// registered, which keeps a cold build small enough for CI.
package main

func main() {
	Run()
}
