from jinja2.runtime import LoopContext, Macro, Markup, Namespace, TemplateNotFound, TemplateReference, TemplateRuntimeError, Undefined, escape, identity, internalcode, markup_join, missing, str_join
name = '_create_extension.sql.jinja'

def root(context, missing=missing):
    resolve = context.resolve_or_missing
    undefined = environment.undefined
    concat = environment.concat
    cond_expr_undefined = Undefined
    if 0: yield None
    l_0_extension = resolve('extension')
    try:
        t_1 = environment.filters['ident']
    except KeyError:
        @internalcode
        def t_1(*unused):
            raise TemplateRuntimeError("No filter named 'ident' found.")
    pass
    yield '-- CreateExtension\nCREATE EXTENSION IF NOT EXISTS '
    yield str(t_1(environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'name')))
    if (environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'schema') or environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'version')):
        pass
        yield ' WITH'
    if environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'schema'):
        pass
        yield ' SCHEMA '
        yield str(t_1(environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'schema')))
    if environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'version'):
        pass
        yield ' VERSION '
        yield str(t_1(environment.getattr((undefined(name='extension') if l_0_extension is missing else l_0_extension), 'version')))
    yield ';\n'

blocks = {}
debug_info = '4=19&5=20&6=23&7=27'