package router

// registerBatch registers the handlers of this file.
func (a *API) registerBatch(s *Server) {}
