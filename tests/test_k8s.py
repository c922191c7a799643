"""deploy/k8s: every manifest valid for a pinned Kubernetes version (kubernetes-validate, offline), and the
Deployment's probes, port, user and settings matching the app and the image."""
import re

import kubernetes_validate
import pytest
import yaml

from app import create_app
from app.settings import Settings

from conftest import ROOT

K8S = ROOT / "deploy" / "k8s"
KUBERNETES_VERSION = "1.33.0"
MANIFESTS = sorted(p for p in K8S.glob("*.yaml") if p.name != "kustomization.yaml")


def resources():
    return [doc for p in MANIFESTS for doc in yaml.safe_load_all(p.read_text()) if doc]


def by_kind(kind: str) -> dict:
    return next(r for r in resources() if r["kind"] == kind)


@pytest.mark.parametrize("path", MANIFESTS, ids=[p.name for p in MANIFESTS])
def test_manifest_is_valid_kubernetes(path):
    for doc in yaml.safe_load_all(path.read_text()):
        kubernetes_validate.validate(doc, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest():
    kust = yaml.safe_load((K8S / "kustomization.yaml").read_text())
    assert sorted(kust["resources"]) == [p.name for p in MANIFESTS]


def test_probes_port_user_and_settings_match_the_app_and_the_image(predictor):
    dep = by_kind("Deployment")
    pod = dep["spec"]["template"]["spec"]
    (container,) = pod["containers"]
    routes = {r.rule: r.methods for r in create_app(predictor=predictor).url_map.iter_rules()}
    for probe in ("startupProbe", "readinessProbe", "livenessProbe"):
        get = container[probe]["httpGet"]
        assert "GET" in routes[get["path"]], probe
        assert get["port"] == container["ports"][0]["name"]
    port = container["ports"][0]["containerPort"]
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert f"EXPOSE {port}" in dockerfile and Settings().bind.endswith(f":{port}")
    assert re.search(rf"^USER\s+{pod['securityContext']['runAsUser']}\s*$", dockerfile, re.M)
    fields = {f"SLOT_{name.upper()}" for name in Settings.model_fields}
    env = {e["name"]: e for e in container["env"]}
    assert set(env) <= fields
    graceful = int(env["SLOT_GRACEFUL_TIMEOUT"]["value"])
    pre_stop = int(container["lifecycle"]["preStop"]["exec"]["command"][-1])
    assert pod["terminationGracePeriodSeconds"] > pre_stop + graceful
    assert env["SLOT_API_KEY"]["valueFrom"]["secretKeyRef"]["name"]
    sc = container["securityContext"]
    assert sc["readOnlyRootFilesystem"] and not sc["allowPrivilegeEscalation"] and sc["capabilities"]["drop"] == ["ALL"]
    assert pod["securityContext"]["runAsNonRoot"]
    annotations = dep["spec"]["template"]["metadata"]["annotations"]
    assert annotations["prometheus.io/path"] == "/metrics" and "/metrics" in routes


def test_service_autoscaler_budget_and_policy_point_at_the_deployment():
    dep = by_kind("Deployment")
    labels = dep["spec"]["template"]["metadata"]["labels"]
    port_name = dep["spec"]["template"]["spec"]["containers"][0]["ports"][0]["name"]
    svc = by_kind("Service")
    assert svc["spec"]["selector"] == labels and svc["spec"]["ports"][0]["targetPort"] == port_name
    assert by_kind("HorizontalPodAutoscaler")["spec"]["scaleTargetRef"]["name"] == dep["metadata"]["name"]
    assert by_kind("PodDisruptionBudget")["spec"]["selector"]["matchLabels"] == labels
    policy = by_kind("NetworkPolicy")
    assert policy["spec"]["podSelector"]["matchLabels"] == labels
    assert policy["spec"]["ingress"][0]["ports"][0]["port"] == 8000
    ingress = by_kind("Ingress")
    assert ingress["metadata"]["annotations"]["nginx.ingress.kubernetes.io/proxy-body-size"] == "64k"
