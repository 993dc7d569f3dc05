# Jupyter server config for Binder, copied to ~/.jupyter/ by binder/postBuild.
#
# jupyter-server-proxy forwards <base>/proxy/<port>/<path> to 127.0.0.1:<port>/<path>, behind
# Jupyter's login, so the learner's browser can call an API Gateway deployment that localoci
# serves at http://127.0.0.1:18730/_gateway/<key>/<pathPrefix>/...  labhelpers.binder.public_url()
# turns the one into the other.
c = get_config()  # noqa: F821 - provided by Jupyter when it loads this file
c.ServerApp.jpserver_extensions.update({"jupyter_server_proxy": True})
# Only the container's own loopback may be proxied (the default, stated here on purpose).
c.ServerProxy.host_allowlist = ["localhost", "127.0.0.1"]
# export_report() saves the notebook before exporting it (as `make lab` allows): JupyterLab
# gives a notebook's JavaScript the app, and so its Save command, only when exposed.
c.LabApp.expose_app_in_browser = True
