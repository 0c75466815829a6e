"""Everything one running simulator holds: the world and its story, keys, rate limits, faults, stats, webhooks."""

from __future__ import annotations

import random
from dataclasses import dataclass, field

from cftui.sim.faults import Faults
from cftui.sim.generate import DEFAULT_PROJECTS, DEFAULT_SEED, generate_world
from cftui.sim.happenings import Story
from cftui.sim.oauth import DEFAULT_ACCESS_TTL_S, DEFAULT_CODE_TTL_S, AuthServer
from cftui.sim.ratelimit import RateLimiter
from cftui.sim.stats import RequestStats
from cftui.sim.webhooks import Webhooks
from cftui.sim.world import World


@dataclass
class SimOptions:
    seed: int = DEFAULT_SEED
    plan: str = "starter"
    speed: float = 1.0
    static: bool = False
    nasty: bool = False
    projects: int = DEFAULT_PROJECTS
    resources: int | None = None
    keys: list[str] = field(default_factory=list)
    faults: Faults = field(default_factory=Faults)
    oauth_access_ttl_s: float = DEFAULT_ACCESS_TTL_S
    oauth_code_ttl_s: float = DEFAULT_CODE_TTL_S


class Simulator:
    def __init__(self, options: SimOptions) -> None:
        self.options = options
        self.world = World(seed=options.seed, speed=options.speed, static=options.static, nasty=options.nasty)
        generate_world(self.world, projects=options.projects, resources=options.resources)
        self.story = Story(self.world, options.seed)
        if not options.static:
            self.story.start()
        self.keys = set(options.keys)
        self.limiter = RateLimiter(options.plan)
        self.faults = options.faults
        self.stats = RequestStats()
        self.webhooks = Webhooks(self.world)
        self.oauth = AuthServer(access_ttl_s=options.oauth_access_ttl_s, code_ttl_s=options.oauth_code_ttl_s)
        # Separate streams so that writes and faults never disturb the seeded story.
        self.write_rng = random.Random(f"{options.seed}:writes")
        self.control_rng = random.Random(f"{options.seed}:control")
        self.fault_rng = random.Random(f"{options.seed}:faults")
